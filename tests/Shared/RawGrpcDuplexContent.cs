using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Threading.Channels;

namespace Introspection.Testing;

/// <summary>The request body of a duplex raw call: whatever the test writes, when it writes it.</summary>
public sealed class RawGrpcDuplexContent : HttpContent
{
    private readonly Channel<byte[]> _writes = Channel.CreateUnbounded<byte[]>();

    public ValueTask WriteAsync(byte[] bytes) => _writes.Writer.WriteAsync(bytes);

    public void Complete() => _writes.Writer.TryComplete();

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await foreach (var bytes in _writes.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            await stream.WriteAsync(bytes).ConfigureAwait(false);
            await stream.FlushAsync().ConfigureAwait(false);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
