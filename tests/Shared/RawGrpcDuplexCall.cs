using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Threading.Channels;

namespace Introspection.Testing;

/// <summary>An open duplex raw call.</summary>
public sealed class RawGrpcDuplexCall(HttpRequestMessage request, Task<HttpResponseMessage> responseTask, RawGrpcDuplexContent content) : IAsyncDisposable
{
    private Stream? _body;

    public ValueTask SendAsync(byte[] frame) => content.WriteAsync(frame);

    /// <summary>The next response message, or null when the response ended.</summary>
    public async Task<byte[]?> ReadMessageAsync()
    {
        using var cts = new CancellationTokenSource(TestTimeouts.Call);
        var response = await responseTask.WaitAsync(cts.Token).ConfigureAwait(false);
        _body ??= await response.Content.ReadAsStreamAsync(cts.Token).ConfigureAwait(false);
        var header = new byte[5];
        var read = await _body.ReadAtLeastAsync(header, 5, throwOnEndOfStream: false, cts.Token).ConfigureAwait(false);
        if (read < 5)
        {
            return null;
        }

        var message = new byte[BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1))];
        await _body.ReadExactlyAsync(message, cts.Token).ConfigureAwait(false);
        return message;
    }

    /// <summary>Ends the request stream and reads the call's status.</summary>
    public async Task<RawGrpcResult> CompleteAsync()
    {
        content.Complete();
        while (await ReadMessageAsync().ConfigureAwait(false) is not null)
        {
        }

        return RawGrpcResult.From(await responseTask.ConfigureAwait(false), []);
    }

    public async ValueTask DisposeAsync()
    {
        content.Complete();
        _body?.Dispose();
        try
        {
            (await responseTask.WaitAsync(TestTimeouts.Call).ConfigureAwait(false)).Dispose();
        }
        catch (Exception) when (!responseTask.IsCompletedSuccessfully)
        {
            // A call that failed has nothing to dispose.
        }

        request.Dispose();
    }
}
