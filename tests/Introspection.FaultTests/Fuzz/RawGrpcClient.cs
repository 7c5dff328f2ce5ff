using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;

namespace Introspection.FaultTests.Fuzz;

/// <summary>
/// gRPC over raw HTTP/2 (h2c, prior knowledge): the request body is whatever bytes the test hands over, framed or
/// not, so a malformed message reaches the server exactly as built. The answer is the <c>grpc-status</c> from the
/// trailers (or from a trailers-only response), never interpreted by a gRPC client library.
/// </summary>
public sealed class RawGrpcClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _address;

    /// <summary>Detail prefix of a stream that had started answering and was reset once its grpc-timeout passed.</summary>
    public const string ResetAfterDeadline = "reset after deadline: ";

    public RawGrpcClient(string address)
    {
        _address = new Uri(address);
        _http = new HttpClient(new SocketsHttpHandler { EnableMultipleHttp2Connections = true, ConnectTimeout = TimeSpan.FromSeconds(5) })
        {
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(15),
        };
    }

    /// <summary>One gRPC length-prefixed message: flag 0, big-endian length, the bytes.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> message)
    {
        var framed = new byte[5 + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)message.Length);
        message.CopyTo(framed.AsSpan(5));
        return framed;
    }

    /// <summary>
    /// POSTs <paramref name="body"/> (already framed) to <c>/{method}</c> and answers the outcome. <paramref name="grpcTimeout"/>
    /// bounds server-streaming calls that would otherwise stay open (Watch: <paramref name="openEnded"/>).
    /// </summary>
    public async Task<RawOutcome> CallAsync(string method, byte[] body, string? grpcTimeout, bool openEnded, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_address, "/" + method))
        {
            Content = new ByteArrayContent(body),

            // A request built by hand does not take the client's defaults: h2c by prior knowledge, or nothing.
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("TE", "trailers");
        if (grpcTimeout is not null)
        {
            request.Headers.TryAddWithoutValidation("grpc-timeout", grpcTimeout);
        }

        var started = false;
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return new RawOutcome(null, $"http {(int)response.StatusCode}", 0);
            }

            // Trailers-only responses carry grpc-status in the headers.
            if (TryStatus(response.Headers, out var early))
            {
                return new RawOutcome(early, Message(response.Headers), 0);
            }

            started = true;
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            return TryStatus(response.TrailingHeaders, out var status)
                ? new RawOutcome(status, Message(response.TrailingHeaders), bytes.Length)
                : new RawOutcome(null, "no grpc-status", bytes.Length);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            // grpc-dotnet may end a streaming call whose deadline passed mid-stream with RST_STREAM instead of trailers.
            return started && openEnded
                ? new RawOutcome(null, ResetAfterDeadline + ex.Message, 0)
                : new RawOutcome(null, "transport: " + ex.Message, 0);
        }
    }

    public void Dispose() => _http.Dispose();

    private static bool TryStatus(HttpHeaders headers, out int status)
    {
        status = 0;
        return headers.TryGetValues("grpc-status", out var values) && int.TryParse(values.FirstOrDefault(), out status);
    }

    private static string Message(HttpHeaders headers) =>
        headers.TryGetValues("grpc-message", out var values) ? Uri.UnescapeDataString(values.FirstOrDefault() ?? "") : "";
}

/// <summary>What one raw call got back: a gRPC status (null when there was none) and its message.</summary>
public sealed record RawOutcome(int? Status, string Detail, int BodyBytes)
{
    public string Label => Status is { } s ? ((Grpc.Core.StatusCode)s).ToString() : Detail.StartsWith("transport", StringComparison.Ordinal) ? "transport error"
        : Detail.StartsWith(RawGrpcClient.ResetAfterDeadline, StringComparison.Ordinal) ? "reset after deadline" : Detail;
}
