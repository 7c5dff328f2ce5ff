using System.Runtime.CompilerServices;
using Google.Protobuf;
using Introspection.Protocol.Registry.V1;

namespace Introspection.Registry.Watch;

/// <summary>
/// Watch messages serialized once, ahead of their writes. The Watch method's response marshaller
/// (<see cref="Services.PreSerializedWatchBinder"/>) hands these bytes to gRPC as one payload instead of
/// serializing the message again into each stream's pipe. Besides the encode saved for every watcher
/// sharing a message, one copy of a finished payload replaces many small writes into Kestrel's
/// per-stream pipe, whose lock the connection's frame writer contends for while it drains other streams.
/// </summary>
/// <remarks>
/// Weakly keyed: an entry lives as long as its message, which the group's slot and the writes in flight hold.
/// </remarks>
internal static class PreSerializedWatchResponses
{
    private static readonly ConditionalWeakTable<WatchResponse, byte[]> s_payloads = [];

    /// <summary>Serializes <paramref name="response"/> now; it must not change afterwards.</summary>
    public static byte[] Serialize(WatchResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var payload = response.ToByteArray();
        s_payloads.AddOrUpdate(response, payload);
        return payload;
    }

    public static bool TryGetPayload(WatchResponse response, out byte[] payload) =>
        s_payloads.TryGetValue(response, out payload!);

    /// <summary>The message's size on the wire, from its payload when it has one (no second size pass).</summary>
    public static int SizeOf(WatchResponse response) =>
        TryGetPayload(response, out var payload) ? payload.Length : response.CalculateSize();
}
