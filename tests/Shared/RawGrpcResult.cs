using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Threading.Channels;

namespace Introspection.Testing;

/// <summary>The outcome of a raw call: grpc-status (from the trailers, or the headers of a trailers-only answer), grpc-message, the response messages.</summary>
public sealed record RawGrpcResult(int? Status, string? Message, IReadOnlyList<byte[]> Messages)
{
    public static RawGrpcResult From(HttpResponseMessage response, byte[] body)
    {
        var status = Header(response.TrailingHeaders, "grpc-status") ?? Header(response.Headers, "grpc-status");
        var message = Header(response.TrailingHeaders, "grpc-message") ?? Header(response.Headers, "grpc-message");
        var messages = new List<byte[]>();
        for (var offset = 0; offset + 5 <= body.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(offset + 1));
            messages.Add(body.AsSpan(offset + 5, length).ToArray());
            offset += 5 + length;
        }

        return new RawGrpcResult(status is null ? null : int.Parse(status, System.Globalization.CultureInfo.InvariantCulture), message is null ? null : Uri.UnescapeDataString(message), messages);
    }

    private static string? Header(HttpHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
