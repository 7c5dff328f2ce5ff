using Introspection.Registry.Leases;
using Introspection.Registry.Tests.Infrastructure;

namespace Introspection.Registry.Tests.Leases;

public sealed class LeaseTtlPolicyTests
{
    private readonly LeaseTtlPolicy _policy = new(TestServices.Options(o =>
    {
        o.Leases.DefaultTtl = TimeSpan.FromSeconds(15);
        o.Leases.MinTtl = TimeSpan.FromSeconds(3);
        o.Leases.MaxTtl = TimeSpan.FromMinutes(5);
    }));

    [Theory]
    [InlineData(0, 15_000)]
    [InlineData(1, 3_000)]
    [InlineData(2_999, 3_000)]
    [InlineData(3_000, 3_000)]
    [InlineData(10_000, 10_000)]
    [InlineData(300_000, 300_000)]
    [InlineData(300_001, 300_000)]
    [InlineData(long.MaxValue, 300_000)]
    public void Grant_RequestedTtl_ClampedIntoRange(long requestedMs, long grantedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(grantedMs), _policy.Grant(requestedMs));
    }

    [Fact]
    public void Grant_DefaultOutsideRange_DefaultIsClampedToo()
    {
        var policy = new LeaseTtlPolicy(TestServices.Options(o =>
        {
            o.Leases.DefaultTtl = TimeSpan.FromHours(1);
            o.Leases.MaxTtl = TimeSpan.FromMinutes(1);
        }));

        Assert.Equal(TimeSpan.FromMinutes(1), policy.Grant(0));
    }
}
