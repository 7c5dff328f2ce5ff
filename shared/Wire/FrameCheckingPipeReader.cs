using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Pipelines;
using Grpc.Core;

namespace Introspection.Wire;

/// <summary>
/// The request body as grpc-dotnet reads it, with the gRPC frame header checked before grpc-dotnet
/// sees it. grpc-dotnet turns a compressed flag other than 0/1 (InvalidDataException), a length above
/// int.MaxValue (IOException) and a corrupt gzip body (InvalidDataException) into UNKNOWN plus an
/// Error log with a stack trace; here they become INTERNAL / RESOURCE_EXHAUSTED / INTERNAL.
/// The check relies on grpc-dotnet consuming whole frames only (it advances to the end of a message
/// or not at all), so every buffer it is handed starts at a frame header.
/// </summary>
internal sealed class FrameCheckingPipeReader(PipeReader inner, string? encoding) : PipeReader
{
    private const int HeaderSize = 5;

    public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => inner.AdvanceTo(consumed, examined);

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        var result = await inner.ReadAsync(cancellationToken).ConfigureAwait(false);
        Check(result);
        return result;
    }

    public override bool TryRead(out ReadResult result)
    {
        if (!inner.TryRead(out result))
        {
            return false;
        }

        Check(result);
        return true;
    }

    private void Check(ReadResult result)
    {
        var buffer = result.Buffer;
        if (buffer.Length < HeaderSize)
        {
            return;
        }

        Span<byte> header = stackalloc byte[HeaderSize];
        buffer.Slice(0, HeaderSize).CopyTo(header);
        var flag = header[0];
        var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        MalformedMessageException? failure = null;
        if (flag > 1)
        {
            failure = WireFailureScope.Fail(StatusCode.Internal, $"Invalid gRPC frame: compressed flag {flag} (expected 0 or 1).");
        }
        else if (length > int.MaxValue)
        {
            failure = WireFailureScope.Fail(StatusCode.ResourceExhausted, $"Invalid gRPC frame: message length {length} exceeds the maximum message size.");
        }
        else if (flag == 1 && buffer.Length >= HeaderSize + length && string.Equals(encoding, "gzip", StringComparison.Ordinal) && !IsGzip(buffer.Slice(HeaderSize, length)))
        {
            // Without grpc-encoding or with an unsupported one grpc-dotnet already answers INTERNAL or
            // UNIMPLEMENTED; only a body that gzip cannot read ends in UNKNOWN.
            failure = WireFailureScope.Fail(StatusCode.Internal, "Invalid gRPC frame: the compressed flag is set but the body is not valid gzip.");
        }

        if (failure is not null)
        {
            // The caller never gets this buffer, so it is handed back here; the call ends with the failure.
            inner.AdvanceTo(buffer.Start, buffer.End);
            throw failure;
        }
    }

    private static bool IsGzip(ReadOnlySequence<byte> body)
    {
        // Decompressed once more here, into nothing: grpc-dotnet decompresses the whole message too,
        // and compressed requests are rare for the registry's small messages.
        try
        {
            using var gzip = new GZipStream(new MemoryStream(body.ToArray(), writable: false), CompressionMode.Decompress);
            gzip.CopyTo(Stream.Null);
            return true;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }
}
