using Grpc.Core;
using Introspection.Client.Internal;
using Introspection.Client.Tests.Infrastructure;
using Introspection.Client.View;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static Introspection.Client.Tests.View.WatchMessages;

namespace Introspection.Client.Tests.View;

/// <summary>The publisher driven by hand (its pump is not started): timers on a <see cref="FakeTimeProvider"/>, deliveries counted.</summary>
public sealed class ResolutionPublisherTests
{
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(5);
    private static readonly HashSet<string> s_orders = new(["orders"], StringComparer.Ordinal);

    private readonly FakeTimeProvider _time = new();
    private readonly FakeMetadataLookup _metadata = new();
    private readonly DiscoveryView _view;
    private readonly ResolutionPublisher _publisher;

    public ResolutionPublisherTests()
    {
        _view = new DiscoveryView(_metadata, emptyProtection: true, hasRegistry: true, ResolveTimeout, _time, NullLogger.Instance);
        _publisher = new ResolutionPublisher(_view, _time, ResolveTimeout, NullLogger.Instance, CancellationToken.None);
    }

    [Fact]
    public async Task TimeoutTimer_Fires_FirstResultIsPublished()
    {
        var state = _publisher.GetOrAddTarget(new ServiceTarget("shop.Orders"), pinned: null, out var added, out var lookupNeeded);
        Assert.True(added);
        Assert.True(lookupNeeded);
        _publisher.Recompute();
        Assert.False(state.FirstResult.Task.IsCompleted);

        _time.Advance(ResolveTimeout);
        _publisher.Recompute();

        Assert.True(state.View.TimedOut);
        Assert.True(state.FirstResult.Task.IsCompletedSuccessfully);
        Assert.Equal(IntrospectionErrorKind.ServiceNotDiscovered, (await state.FirstResult.Task.WaitAsync(TestTimeouts.Call)).ErrorKind);
    }

    [Fact]
    public void Subscribe_DeliversEachChangeOnce_AndTheSettledAnswerToLateSubscribers()
    {
        var info = TestMetadata.Create("orders", ("shop.Orders", "", "1"));
        _metadata.Add(info);
        var target = new ServiceTarget("shop.Orders", app: "orders");
        var state = _publisher.GetOrAddTarget(target, pinned: null, out _, out _);
        var early = new List<ServiceResolution>();
        using var s1 = _publisher.Subscribe(state, early.Add);

        _view.Apply(s_orders, Snapshot(1, [Instance("orders", "o1", info.Revision)]));
        _publisher.Recompute();
        _publisher.Recompute();
        var late = new List<ServiceResolution>();
        using var s2 = _publisher.Subscribe(state, late.Add);
        _publisher.Recompute();

        Assert.Equal(StatusCode.OK, Assert.Single(early).Status.StatusCode);
        Assert.Same(early[0], Assert.Single(late));

        _view.Apply(s_orders, Snapshot(2, [Instance("orders", "o1", info.Revision), Instance("orders", "o2", info.Revision, "10.0.0.2")]));
        _publisher.Recompute();

        Assert.Equal(2, early.Count);
        Assert.Equal(2, late.Count);
        Assert.Equal(2, early[1].Endpoints.Count);
    }

    [Fact]
    public void Subscribe_DisposedSubscription_GetsNothingMore()
    {
        var state = _publisher.GetOrAddTarget(new ServiceTarget("shop.Orders"), [new InstanceEndpoint("10.0.0.9", 9000, "", "", "")], out _, out _);
        var seen = 0;
        var subscription = _publisher.Subscribe(state, _ => seen++);
        _publisher.Recompute();
        Assert.Equal(1, seen);

        subscription.Dispose();
        _publisher.Subscribe(state, _ => { }).Dispose();
        _publisher.Recompute();

        Assert.Equal(1, seen);
    }
}
