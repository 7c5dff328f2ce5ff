using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Threading.Channels;

namespace Introspection.Testing;

/// <summary>
/// A gRPC client without a gRPC library: frames built by hand (1 byte compressed flag, 4 bytes big-endian
/// length, payload) over HTTP/2 cleartext, so tests can send what no well-behaved client would.
/// </summary>
public sealed class RawGrpcClient : IDisposable
{
    private readonly HttpClient _http;

    public RawGrpcClient(Uri address)
    {
        _http = new HttpClient(new SocketsHttpHandler { EnableMultipleHttp2Connections = false })
        {
            BaseAddress = address,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>One frame: <paramref name="flag"/>, the payload's length (or <paramref name="length"/>), the payload.</summary>
    public static byte[] Frame(byte[] payload, byte flag = 0, uint? length = null)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = flag;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), length ?? (uint)payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    /// <summary>Sends <paramref name="body"/> as the whole request body of <paramref name="path"/> (<c>/pkg.Service/Method</c>).</summary>
    public async Task<RawGrpcResult> CallAsync(string path, byte[] body, string? encoding = null)
    {
        using var cts = new CancellationTokenSource(TestTimeouts.Call);
        using var request = NewRequest(path, new ByteArrayContent(body), encoding);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync(cts.Token).ConfigureAwait(false);
        return RawGrpcResult.From(response, bytes);
    }

    /// <summary>Opens a bidirectional call: frames are sent as written, responses read one by one.</summary>
    public RawGrpcDuplexCall OpenDuplex(string path)
    {
        var content = new RawGrpcDuplexContent();
        var request = NewRequest(path, content, null);
        // Not awaited here: the server sends its headers with its first message, which needs a request message first.
        var response = _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return new RawGrpcDuplexCall(request, response, content);
    }

    public void Dispose() => _http.Dispose();

    private static HttpRequestMessage NewRequest(string path, HttpContent content, string? encoding)
    {
        content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        request.Headers.TryAddWithoutValidation("TE", "trailers");
        if (encoding is not null)
        {
            request.Headers.TryAddWithoutValidation("grpc-encoding", encoding);
        }

        return request;
    }
}
