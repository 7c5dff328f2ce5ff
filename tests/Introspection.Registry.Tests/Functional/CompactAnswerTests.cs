using Google.Protobuf;
using Introspection.Protocol;
using Introspection.Protocol.Registry.V1;
using Introspection.Registry.Tests.Infrastructure;

namespace Introspection.Registry.Tests.Functional;

/// <summary>
/// The compact form (protocol/COMPACT.md) over real gRPC: a reader that asks for it gets repeated apps and revisions
/// once per message, and expanding that gives exactly the bytes an inline reader gets; an inline reader is unchanged.
/// </summary>
public sealed class CompactAnswerTests
{
    private static DateTime Deadline => DateTime.UtcNow.Add(TestTimeouts.Long);

    [Fact]
    public async Task ListInstances_Compact_ExpandsToExactlyTheInlineAnswer()
    {
        await using var server = await RegistryHost.StartAsync();
        await RegisterRolloutAsync(server);

        var inline = await server.Client.ListInstancesAsync(new ListInstancesRequest { App = "orders" }, deadline: Deadline);
        var compact = await server.Client.ListInstancesAsync(new ListInstancesRequest { App = "orders", Compact = true }, deadline: Deadline);

        Assert.Equal(["orders"], compact.AppTable);
        Assert.Equal([Instances.RevisionA], compact.RevisionTable);
        Assert.All(compact.Instances, i => Assert.Equal((string.Empty, 1u), (i.App, i.AppRef)));
        // The one instance on revision B keeps it inline: a table entry would cost more than it saves.
        Assert.Single(compact.Instances, i => i.Revision == Instances.RevisionB && i.RevisionRef == 0);
        Assert.True(compact.CalculateSize() < inline.CalculateSize());

        CompactForm.Expand(compact);

        Assert.Equal(inline.ToByteString(), compact.ToByteString());
    }

    [Fact]
    public async Task ListInstances_WithoutCompact_NoTablesAndNoRefs()
    {
        await using var server = await RegistryHost.StartAsync();
        await RegisterRolloutAsync(server);

        var inline = await server.Client.ListInstancesAsync(new ListInstancesRequest { App = "orders" }, deadline: Deadline);

        Assert.Empty(inline.AppTable);
        Assert.Empty(inline.RevisionTable);
        Assert.All(inline.Instances, i => Assert.Equal(("orders", 0u, 0u), (i.App, i.AppRef, i.RevisionRef)));
    }

    [Fact]
    public async Task Watch_Compact_SnapshotAndDeltasExpandToTheInlineMessages()
    {
        await using var server = await RegistryHost.StartAsync();
        await RegisterRolloutAsync(server);
        using var cts = new CancellationTokenSource(TestTimeouts.Long);
        using var inline = server.Client.Watch(new WatchRequest { Apps = { "orders" } }, cancellationToken: cts.Token);
        using var compact = server.Client.Watch(new WatchRequest { Apps = { "orders" }, Compact = true }, cancellationToken: cts.Token);

        var inlineSnapshot = await NextAsync(inline, cts.Token);
        var compactSnapshot = await NextAsync(compact, cts.Token);
        Assert.Equal(["orders"], compactSnapshot.AppTable);
        Assert.Empty(inlineSnapshot.AppTable);
        Assert.True(compactSnapshot.CalculateSize() < inlineSnapshot.CalculateSize());
        CompactForm.Expand(compactSnapshot);
        Assert.Equal(inlineSnapshot.ToByteString(), compactSnapshot.ToByteString());

        // A change (a PUT, then a DELETE without a revision): the events, expanded, are the inline events.
        var registered = await server.Client.RegisterAsync(new RegisterRequest { Instance = Instances.Create(id: "i-9", revision: Instances.RevisionB) }, deadline: Deadline);
        await server.Client.DeregisterAsync(new DeregisterRequest { App = "orders", InstanceId = "i-1" }, deadline: Deadline);
        var inlineEvents = await EventsAsync(inline, 2, cts.Token);
        var compactEvents = await EventsAsync(compact, 2, cts.Token);

        Assert.Equal(inlineEvents.Select(e => e.ToByteString()), compactEvents.Select(e => e.ToByteString()));
        Assert.Equal(registered.Revision, compactEvents[0].Revision);
    }

    [Fact]
    public async Task Watch_CompactResumeFromUnknownRevision_ResetSnapshotExpandsToTheRegisteredInstances()
    {
        // The reset path: a registry restarted empty answers a resume from a revision it never reached with a reset
        // SNAPSHOT, which is compacted like any other message.
        await using var server = await RegistryHost.StartAsync();
        await RegisterRolloutAsync(server);
        using var cts = new CancellationTokenSource(TestTimeouts.Long);

        using var compact = server.Client.Watch(new WatchRequest { Apps = { "orders" }, Compact = true, SinceRevision = 1000 }, cancellationToken: cts.Token);
        var reset = await NextAsync(compact, cts.Token);

        Assert.Equal((WatchResponseKind.Snapshot, true), (reset.Kind, reset.Reset));
        CompactForm.Expand(reset);
        Assert.Equal(["i-1", "i-2", "i-3"], reset.Instances.Select(i => i.InstanceId).Order());
        Assert.All(reset.Instances, i => Assert.Equal("orders", i.App));
    }

    /// <summary>Three instances of orders: two on revision A, one on revision B.</summary>
    private static async Task RegisterRolloutAsync(RegistryHost server)
    {
        foreach (var (id, revision) in new[] { ("i-1", Instances.RevisionA), ("i-2", Instances.RevisionA), ("i-3", Instances.RevisionB) })
        {
            await server.Client.RegisterAsync(new RegisterRequest { Instance = Instances.Create(id: id, revision: revision) }, deadline: Deadline);
        }
    }

    private static async Task<WatchResponse> NextAsync(Grpc.Core.AsyncServerStreamingCall<WatchResponse> call, CancellationToken ct)
    {
        Assert.True(await call.ResponseStream.MoveNext(ct));
        return call.ResponseStream.Current;
    }

    /// <summary>The next <paramref name="count"/> events, expanded, however the registry coalesced them into messages.</summary>
    private static async Task<List<WatchEvent>> EventsAsync(Grpc.Core.AsyncServerStreamingCall<WatchResponse> call, int count, CancellationToken ct)
    {
        var events = new List<WatchEvent>();
        while (events.Count < count)
        {
            var delta = await NextAsync(call, ct);
            CompactForm.Expand(delta);
            events.AddRange(delta.Events);
        }

        return events;
    }
}
