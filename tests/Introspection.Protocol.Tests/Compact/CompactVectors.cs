using System.Text.Json;
using Google.Protobuf;
using Introspection.Protocol.Registry.V1;

namespace Introspection.Protocol.Tests.Compact;

/// <summary>Loads protocol/compact-vectors.json (copied next to the test assembly by the protocol project).</summary>
internal static class CompactVectors
{
    private static readonly Lazy<JsonDocument> LazyDocument = new(() => JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "compact-vectors.json"))));

    public static TheoryData<string> Names() => NamesOf("vectors");

    public static TheoryData<string> RejectNames() => NamesOf("reject");

    public static JsonElement Get(string section, string name) =>
        LazyDocument.Value.RootElement.GetProperty(section).EnumerateArray().Single(v => v.GetProperty("name").GetString() == name);

    public static byte[] Bytes(JsonElement vector, string form) => Convert.FromBase64String(vector.GetProperty(form).GetString()!);

    /// <summary>Parses <paramref name="bytes"/> as the vector's message, expands it and serializes it again.</summary>
    public static byte[] Expand(JsonElement vector, byte[] bytes)
    {
        IMessage message = vector.GetProperty("message").GetString() switch
        {
            "ListInstancesResponse" => ExpandList(ListInstancesResponse.Parser.ParseFrom(bytes)),
            "WatchResponse" => ExpandWatch(WatchResponse.Parser.ParseFrom(bytes)),
            var other => throw new InvalidOperationException($"Unknown message '{other}' in compact-vectors.json."),
        };
        return message.ToByteArray();
    }

    private static ListInstancesResponse ExpandList(ListInstancesResponse response)
    {
        CompactForm.Expand(response);
        return response;
    }

    private static WatchResponse ExpandWatch(WatchResponse response)
    {
        CompactForm.Expand(response);
        return response;
    }

    private static TheoryData<string> NamesOf(string section)
    {
        var names = new TheoryData<string>();
        foreach (var vector in LazyDocument.Value.RootElement.GetProperty(section).EnumerateArray())
        {
            names.Add(vector.GetProperty("name").GetString()!);
        }

        return names;
    }
}
