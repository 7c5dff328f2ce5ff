using Introspection.Registry.Leases;
using Introspection.Registry.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Testing;

namespace Introspection.Registry.Tests.Leases;

public sealed class SelfPreservationGuardTests
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly FakeLogger<SelfPreservationGuard> _logger = new();
    private readonly SelfPreservationGuard _guard;

    public SelfPreservationGuardTests() => _guard = new SelfPreservationGuard(
        TestServices.Options(o =>
        {
            o.SelfPreservation.Threshold = 0.5;
            o.SelfPreservation.MinimumLeases = 10;
            o.SelfPreservation.WarningInterval = TimeSpan.FromSeconds(30);
        }),
        TestServices.Metrics(),
        _logger);

    [Fact]
    public void MayEvict_WhilePaused_WarnsOncePerInterval()
    {
        Assert.False(_guard.MayEvict(Start, 20, 15));
        Assert.False(_guard.MayEvict(Start.AddSeconds(10), 20, 15));
        Assert.False(_guard.MayEvict(Start.AddSeconds(29), 20, 15));
        Assert.False(_guard.MayEvict(Start.AddSeconds(30), 20, 15));
        Assert.False(_guard.MayEvict(Start.AddSeconds(45), 20, 15));
        Assert.False(_guard.MayEvict(Start.AddSeconds(60), 20, 15));

        Assert.Equal([200, 201, 201], _logger.Collector.GetSnapshot().Select(r => r.Id.Id));
        Assert.All(_logger.Collector.GetSnapshot(), r => Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, r.Level));
    }

    [Fact]
    public void MayEvict_ShareAtThreshold_Evicts()
    {
        Assert.True(_guard.MayEvict(Start, 20, 10));
        Assert.False(_guard.IsPaused);
    }

    [Fact]
    public void MayEvict_Recovered_ResumesAndLogs()
    {
        Assert.False(_guard.MayEvict(Start, 20, 11));
        Assert.True(_guard.MayEvict(Start.AddSeconds(1), 20, 10));

        Assert.False(_guard.IsPaused);
        Assert.Equal(202, _logger.Collector.LatestRecord.Id.Id);
    }
}
