using System.Text.Json;
using Google.Protobuf;
using Introspection.Protocol.Registry.V1;
using Introspection.Registry.Watch;

namespace Introspection.Registry.Tests.Wire;

/// <summary>
/// The registry's side of protocol/compact-vectors.json: compacting every expanded vector (ListInstances through
/// CompactTables, Watch through WatchResponseEncoder) gives exactly the compact bytes the independent Python encoder
/// wrote. The protocol tests check the reader's side (expanding them back).
/// </summary>
public sealed class CompactEncoderVectorTests
{
    private static readonly Lazy<JsonElement> s_vectors = new(() =>
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "compact-vectors.json"))).RootElement.GetProperty("vectors"));

    public static TheoryData<string> Names()
    {
        var names = new TheoryData<string>();
        foreach (var vector in s_vectors.Value.EnumerateArray())
        {
            names.Add(vector.GetProperty("name").GetString()!);
        }

        return names;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Compact_ExpandedVector_GivesTheCompactBytes(string name)
    {
        var vector = s_vectors.Value.EnumerateArray().Single(v => v.GetProperty("name").GetString() == name);
        var expanded = Convert.FromBase64String(vector.GetProperty("expanded").GetString()!);

        IMessage compacted;
        if (vector.GetProperty("message").GetString() == "ListInstancesResponse")
        {
            var list = ListInstancesResponse.Parser.ParseFrom(expanded);
            CompactTables.Compact(list);
            compacted = list;
        }
        else
        {
            var watch = WatchResponse.Parser.ParseFrom(expanded);
            WatchResponseEncoder.Compact(watch);
            compacted = watch;
        }

        Assert.Equal(vector.GetProperty("compact").GetString(), Convert.ToBase64String(compacted.ToByteArray()));
    }

    [Fact]
    public void Compact_DeltaOfSharedEvents_LeavesTheSharedEventsInline()
    {
        // DELTA events are cached and shared by every watcher: compacting one watcher's message must not change them.
        var shared = new WatchEvent { Type = WatchEventType.Put, Revision = 1, Instance = Infrastructure.Instances.Create(id: "i-1") };
        var other = new WatchEvent { Type = WatchEventType.Put, Revision = 2, Instance = Infrastructure.Instances.Create(id: "i-2") };
        var response = new WatchResponse { Kind = WatchResponseKind.Delta, Events = { shared, other } };

        WatchResponseEncoder.Compact(response);

        Assert.Equal((1u, "orders", 0u), (response.Events[0].Instance.AppRef, shared.Instance.App, shared.Instance.AppRef));
    }
}
