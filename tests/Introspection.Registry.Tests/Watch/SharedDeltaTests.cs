using Google.Protobuf;
using Grpc.Core;
using Introspection.Protocol;
using Introspection.Protocol.Registry.V1;
using Introspection.Registry.Services;
using Introspection.Registry.Tests.Infrastructure;
using Introspection.Registry.Watch;

namespace Introspection.Registry.Tests.Watch;

/// <summary>Watchers of an equal filter share one DELTA message per range, serialized once.</summary>
public sealed class SharedDeltaTests
{
    [Fact]
    public async Task RunAsync_EqualFilters_ShareOneSerializedMessageOthersBuildTheirOwn()
    {
        await using var harness = new WatchHarness(o => o.Watch.CoalescingWindow = TimeSpan.Zero);
        await harness.StartAsync();
        var orders = new HashSet<string> { "orders" };
        var first = harness.Watch(orders);
        var second = harness.Watch(new HashSet<string> { "orders" });
        var everything = harness.Watch();
        await Task.WhenAll(WatchHarness.WaitForMessagesAsync(first, 1), WatchHarness.WaitForMessagesAsync(second, 1), WatchHarness.WaitForMessagesAsync(everything, 1));
        Assert.Equal(2, harness.Hub.GroupCount);

        var change = await harness.RegisterAsync("orders", "a");
        await Task.WhenAll(WatchHarness.WaitForMessagesAsync(first, 2), WatchHarness.WaitForMessagesAsync(second, 2), WatchHarness.WaitForMessagesAsync(everything, 2));

        var shared = first.Messages[1];
        Assert.Same(shared, second.Messages[1]);
        Assert.NotSame(shared, everything.Messages[1]);
        Assert.Equal(everything.Messages[1], shared);
        Assert.Equal([change.Revision], shared.Events.Select(e => e.Revision));
        Assert.True(PreSerializedWatchResponses.TryGetPayload(shared, out var payload));
        Assert.Equal(shared.ToByteArray(), payload);
    }

    [Fact]
    public async Task RunAsync_CompactAndInlineWatchersOfOneApp_EachGetTheirOwnFormCompactOnesShare()
    {
        await using var harness = new WatchHarness(o => o.Watch.CoalescingWindow = TimeSpan.FromMilliseconds(50));
        await harness.StartAsync();
        using var stop = new CancellationTokenSource();
        var orders = new HashSet<string> { "orders" };
        var compact1 = new RecordingStreamWriter<WatchResponse>();
        var compact2 = new RecordingStreamWriter<WatchResponse>();
        var inline = new RecordingStreamWriter<WatchResponse>();
        var sessions = new[]
        {
            harness.Session.RunAsync(new WatchFilter("default", orders, includeMappings: false, compact: true), 0, compact1, stop.Token),
            harness.Session.RunAsync(new WatchFilter("default", orders, includeMappings: false, compact: true), 0, compact2, stop.Token),
            harness.Session.RunAsync(new WatchFilter("default", orders, includeMappings: false), 0, inline, stop.Token),
        };
        await Task.WhenAll(WatchHarness.WaitForMessagesAsync(compact1, 1), WatchHarness.WaitForMessagesAsync(compact2, 1), WatchHarness.WaitForMessagesAsync(inline, 1));
        Assert.Equal(2, harness.Hub.GroupCount);

        // Two instances of one build in one DELTA (both within the window after the snapshots, on the fake
        // clock): the compact form puts their app and revision in tables.
        await harness.RegisterAsync("orders", "a");
        var last = await harness.RegisterAsync("orders", "b");
        await Poll.UntilAsync(() => harness.Hub.DispatchedRevision >= last.Revision, because: "the hub dispatched both");
        await Poll.UntilAsync(() => harness.Time.TimersCreated >= 3, because: "every session waits out its window");
        harness.Time.Advance(TimeSpan.FromMilliseconds(50));
        await Task.WhenAll(
            Poll.UntilAsync(() => compact1.Messages.Skip(1).Sum(m => m.Events.Count) >= 2, "compact watcher 1 saw both"),
            Poll.UntilAsync(() => compact2.Messages.Skip(1).Sum(m => m.Events.Count) >= 2, "compact watcher 2 saw both"),
            Poll.UntilAsync(() => inline.Messages.Skip(1).Sum(m => m.Events.Count) >= 2, "inline watcher saw both"));

        Assert.All(inline.Messages.Skip(1).SelectMany(m => m.Events), e =>
        {
            Assert.Equal(0u, e.Instance.AppRef);
            Assert.Equal("orders", e.Instance.App);
        });
        var delta = Assert.Single(compact1.Messages.Skip(1));
        Assert.Same(delta, Assert.Single(compact2.Messages.Skip(1)));
        Assert.Equal(["orders"], delta.AppTable);
        Assert.All(delta.Events, e => Assert.Equal(1u, e.Instance.AppRef));

        // Whatever was shared was compacted once, before its payload was taken: the payload is the message.
        foreach (var message in compact1.Messages.Skip(1))
        {
            Assert.True(PreSerializedWatchResponses.TryGetPayload(message, out var payload));
            Assert.Equal(message.ToByteArray(), payload);
            var expanded = message.Clone();
            CompactForm.Expand(expanded);
            Assert.All(expanded.Events, e => Assert.Equal("orders", e.Instance.App));
        }

        await stop.CancelAsync();
        await Task.WhenAll(sessions).WaitAsync(TestTimeouts.Long);
    }

    [Fact]
    public async Task Unsubscribe_LastWatcherOfAFilter_DropsItsGroup()
    {
        await using var harness = new WatchHarness(o => o.Watch.CoalescingWindow = TimeSpan.Zero);
        await harness.StartAsync();
        using var stop = new CancellationTokenSource();
        var writer = new RecordingStreamWriter<WatchResponse>();
        var session = harness.Session.RunAsync(new WatchFilter("default", new HashSet<string> { "orders" }, includeMappings: false), 0, writer, stop.Token);
        await WatchHarness.WaitForMessagesAsync(writer, 1);
        Assert.Equal(1, harness.Hub.GroupCount);

        await stop.CancelAsync();
        await session.WaitAsync(TestTimeouts.Long);

        Assert.Equal(0, harness.Hub.GroupCount);
        Assert.Equal(0, harness.Hub.WatcherCount);
    }

    [Fact]
    public void WatchMarshaller_PreSerializedMessage_WritesItsPayloadOtherwiseSerializes()
    {
        var binder = new CapturingBinder();
        Protocol.Registry.V1.Registry.BindService(new PreSerializedWatchBinder(binder), new UnimplementedRegistry());
        var serialize = binder.Watch!.ResponseMarshaller.ContextualSerializer;

        var shared = new WatchResponse { Kind = WatchResponseKind.Delta, Revision = 7 };
        var payload = PreSerializedWatchResponses.Serialize(shared);
        var context = new CapturingSerializationContext();
        serialize(shared, context);
        Assert.Same(payload, context.Completed);

        var plain = new WatchResponse { Kind = WatchResponseKind.Delta, Revision = 8 };
        var other = new CapturingSerializationContext();
        serialize(plain, other);
        Assert.Equal(plain.ToByteArray(), other.Written);
    }

    private sealed class UnimplementedRegistry : Protocol.Registry.V1.Registry.RegistryBase;

    private sealed class CapturingBinder : ServiceBinderBase
    {
        public Method<WatchRequest, WatchResponse>? Watch { get; private set; }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
        {
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler)
        {
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
            Watch ??= method as Method<WatchRequest, WatchResponse>;

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler)
        {
        }
    }

    private sealed class CapturingSerializationContext : SerializationContext
    {
        private readonly System.Buffers.ArrayBufferWriter<byte> _writer = new();

        public byte[]? Completed { get; private set; }

        public byte[] Written => Completed ?? _writer.WrittenSpan.ToArray();

        public override void Complete(byte[] payload) => Completed = payload;

        public override System.Buffers.IBufferWriter<byte> GetBufferWriter() => _writer;

        public override void SetPayloadLength(int payloadLength)
        {
        }

        public override void Complete()
        {
        }
    }
}
