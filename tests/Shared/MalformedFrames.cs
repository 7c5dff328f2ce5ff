using Google.Protobuf;
using Grpc.Core;
using Xunit;

namespace Introspection.Testing;

/// <summary>The malformed request bodies of the black-box run, each with the status it must answer.</summary>
public static class MalformedFrames
{
    /// <summary>Protobuf payloads no message parses (each in an intact frame): INVALID_ARGUMENT.</summary>
    public static readonly IReadOnlyDictionary<string, byte[]> Payloads = new Dictionary<string, byte[]>
    {
        // field 1 (a string everywhere here), length 2, "\xC3\x28": invalid UTF-8
        ["invalid utf-8"] = [0x0A, 0x02, 0xC3, 0x28],
        // field 1 with wire type 7, which does not exist
        ["wrong wire type"] = [0x0F, 0x00],
        // field 1, length 5, one byte follows
        ["truncated"] = [0x0A, 0x05, 0x61],
        // tag 0
        ["zero tag"] = [0x00, 0x01],
    };

    /// <summary>Every case by name.</summary>
    public static readonly IReadOnlyList<string> AllNames = [.. Payloads.Keys, "length 0xFFFFFFFF", "compressed flag 2", "gzip flag on a non-gzip body", "compressed flag without grpc-encoding"];

    public static TheoryData<string> Names => new(AllNames);

    /// <summary>A case's whole request body, grpc-encoding header and expected status.</summary>
    public static (byte[] Body, string? Encoding, StatusCode Expected) Case(string name, IMessage valid) => name switch
    {
        "length 0xFFFFFFFF" => (RawGrpcClient.Frame([], length: 0xFFFFFFFF), null, StatusCode.ResourceExhausted),
        "compressed flag 2" => (RawGrpcClient.Frame(valid.ToByteArray(), flag: 2), null, StatusCode.Internal),
        "gzip flag on a non-gzip body" => (RawGrpcClient.Frame([0x0A, 0x01, 0x61, 0x00, 0x01], flag: 1), "gzip", StatusCode.Internal),
        "compressed flag without grpc-encoding" => (RawGrpcClient.Frame(valid.ToByteArray(), flag: 1), null, StatusCode.Internal),
        _ => (RawGrpcClient.Frame(Payloads[name]), null, StatusCode.InvalidArgument),
    };
}
