using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Introspection.Client.Tests.Security;

/// <summary>Renewal before expiry on a fake clock: no sleeping, the timer fires when the test advances time.</summary>
public sealed class RefreshingTokenSourceTests
{
    private static readonly TimeSpan s_lifetime = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task GetToken_AfterEightyPercentOfLifetime_RenewedInBackgroundBeforeExpiry()
    {
        var time = new FakeTimeProvider();
        var first = new IntrospectionToken("t1", time.GetUtcNow() + s_lifetime);
        var inner = new ScriptedTokenSource(first);
        using var source = new RefreshingTokenSource(inner, time);

        Assert.Equal("t1", (await GetAsync(source)).Value);
        inner.Next = new IntrospectionToken("t2", time.GetUtcNow() + (2 * s_lifetime));
        time.Advance(s_lifetime * 0.5);
        Assert.Equal("t1", (await GetAsync(source)).Value);
        Assert.Equal(1, inner.Calls);

        // 80 % of the first token's life: the timer renews it while t1 is still valid for two more minutes.
        time.Advance(s_lifetime * 0.3);
        await Poll.UntilAsync(async () => (await GetAsync(source)).Value == "t2", "the token is renewed before it expires");
        Assert.True(time.GetUtcNow() < first.ExpiresAt, "renewed while the old token was still valid");
        Assert.Equal(2, inner.Calls);
    }

    [Fact]
    public async Task GetToken_RenewalFails_KeepsLastGoodTokenUntilItExpires()
    {
        var time = new FakeTimeProvider();
        var inner = new ScriptedTokenSource(new IntrospectionToken("t1", time.GetUtcNow() + s_lifetime));
        var logger = new FakeLogger();
        using var source = new RefreshingTokenSource(inner, time, logger, retryInterval: TimeSpan.FromSeconds(30));
        Assert.Equal("t1", (await GetAsync(source)).Value);

        // The failure is logged after the retry is scheduled: waiting for the log (not for the call) keeps the
        // next Advance from racing the timer's re-arming, which would push the retry 30 s past the advanced clock.
        inner.Failure = new InvalidOperationException("identity provider down");
        time.Advance(s_lifetime * 0.8);
        await Poll.UntilAsync(() => RenewalFailures(logger) >= 1, "a renewal is attempted and fails");
        Assert.Equal(2, inner.Calls);
        Assert.Equal("t1", (await GetAsync(source)).Value);

        // Retried every 30 s while the old token lasts.
        time.Advance(TimeSpan.FromSeconds(30));
        await Poll.UntilAsync(() => RenewalFailures(logger) >= 2, "the renewal is retried");
        Assert.Equal(3, inner.Calls);
        Assert.Equal("t1", (await GetAsync(source)).Value);

        // Expired, and the source still fails: a call now waits for a renewal and fails with its error.
        time.Advance(s_lifetime);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(async () => await GetAsync(source));
        Assert.Equal("identity provider down", ex.Message);

        // The source recovers: the next call gets a fresh token at once.
        inner.Failure = null;
        inner.Next = new IntrospectionToken("t3", time.GetUtcNow() + s_lifetime);
        Assert.Equal("t3", (await GetAsync(source)).Value);
    }

    [Fact]
    public async Task GetToken_ConcurrentFirstCalls_ShareOneFetch()
    {
        var time = new FakeTimeProvider();
        var inner = new ScriptedTokenSource(new IntrospectionToken("t1", time.GetUtcNow() + s_lifetime));
        using var source = new RefreshingTokenSource(inner, time);

        var tokens = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => GetAsync(source)));

        Assert.All(tokens, t => Assert.Equal("t1", t.Value));
        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public void ToString_Token_NeverShowsTheValue()
    {
        var token = new IntrospectionToken("s3cr3t-api-key");

        Assert.DoesNotContain("s3cr3t", token.ToString(), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new IntrospectionToken("a\r\nx-injected: 1"));
    }

    private static int RenewalFailures(FakeLogger logger) =>
        logger.Collector.GetSnapshot().Count(r => r.Id.Name == "TokenRenewalFailed");

    private static Task<IntrospectionToken> GetAsync(RefreshingTokenSource source) =>
        source.GetTokenAsync(CancellationToken.None).AsTask().WaitAsync(TestTimeouts.Call);
}
