using System.Buffers.Binary;

namespace Introspection.FaultTests.Fuzz;

/// <summary>
/// Deterministic (seeded) mutations of a serialized protobuf message and of its gRPC frame. Each answers the framed
/// request body and a short name of what it did, so a failing input can be reproduced from the seed and the name.
/// </summary>
public sealed class Mutator(int seed)
{
    private static readonly string[] s_messageKinds =
    [
        "bitflip", "truncate", "insert", "varint-overflow", "wrong-wiretype", "invalid-utf8", "invalid-utf8-nested",
        "huge-length", "negative-length", "unterminated-group", "unknown-field", "duplicate", "empty",
    ];

    private static readonly string[] s_frameKinds =
    [
        "frame-compressed-flag", "frame-length-short", "frame-length-huge", "frame-header-partial", "frame-two-messages", "frame-trailing-garbage",
    ];

    private readonly Random _random = new(seed);

    public Random Random => _random;

    /// <summary>A framed body built from <paramref name="message"/> with one mutation (one in six at the frame level).</summary>
    public (byte[] Body, string Kind) Mutate(byte[] message)
    {
        if (_random.Next(6) == 0)
        {
            var frameKind = s_frameKinds[_random.Next(s_frameKinds.Length)];
            return (MutateFrame(message, frameKind), frameKind);
        }

        var kind = s_messageKinds[_random.Next(s_messageKinds.Length)];
        return (RawGrpcClient.Frame(MutateMessage(message, kind)), kind);
    }

    private byte[] MutateMessage(byte[] message, string kind)
    {
        var bytes = new List<byte>(message);
        switch (kind)
        {
            case "bitflip" when bytes.Count > 0:
                for (var i = 0; i <= _random.Next(3); i++)
                {
                    var at = _random.Next(bytes.Count);
                    bytes[at] ^= (byte)(1 << _random.Next(8));
                }

                break;
            case "truncate" when bytes.Count > 0:
                var keep = _random.Next(bytes.Count);
                bytes.RemoveRange(keep, bytes.Count - keep);
                break;
            case "insert":
                var insertAt = _random.Next(bytes.Count + 1);
                var junk = new byte[1 + _random.Next(8)];
                _random.NextBytes(junk);
                bytes.InsertRange(insertAt, junk);
                break;
            case "varint-overflow":
                // Field 2 as a varint of 11 continuation bytes: longer than any 64-bit varint may be.
                bytes.AddRange([0x10, .. Enumerable.Repeat((byte)0xFF, 10), 0x01]);
                break;
            case "wrong-wiretype" when bytes.Count > 0:
                // The first byte is always a tag: keep the field, change its wire type (6 and 7 do not exist).
                var wireType = (bytes[0] & 7) ^ (1 + _random.Next(7));
                bytes[0] = (byte)((bytes[0] & ~7) | wireType);
                break;
            case "invalid-utf8":
                // Field 1 is a string in every request: a later occurrence wins, with bytes that are not UTF-8.
                bytes.AddRange([0x0A, 0x03, 0xC3, 0x28, 0xFF]);
                break;
            case "invalid-utf8-nested":
                // Field 2 as a nested message whose string field 1 is not UTF-8 (Register's Instance.app), else junk.
                bytes.AddRange([0x12, 0x04, 0x0A, 0x02, 0xED, 0xA0]);
                break;
            case "huge-length":
                // Field 1, length-delimited, declaring 2^31 - 1 bytes, followed by four.
                bytes.AddRange([0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x61, 0x62, 0x63, 0x64]);
                break;
            case "negative-length":
                bytes.AddRange([0x0A, .. Enumerable.Repeat((byte)0xFF, 9), 0x01, 0x61]);
                break;
            case "unterminated-group":
                bytes.AddRange([0x7B, 0x08, 0x01]); // field 15, start-group, never ended
                break;
            case "unknown-field":
                bytes.AddRange([0xC2, 0x3E, 0x02, 0x68, 0x69]); // field 1000, length-delimited: must be skipped
                break;
            case "duplicate":
                bytes.AddRange(message);
                break;
            case "empty":
                bytes.Clear();
                break;
            default:
                bytes.Add(0x00); // field 0 is invalid
                break;
        }

        return [.. bytes];
    }

    private byte[] MutateFrame(byte[] message, string kind)
    {
        var framed = RawGrpcClient.Frame(message);
        switch (kind)
        {
            case "frame-compressed-flag":
                framed[0] = 1; // compressed, but no grpc-encoding was negotiated
                return framed;
            case "frame-length-short":
                BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)(message.Length + 1 + _random.Next(100)));
                return framed;
            case "frame-length-huge":
                BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), uint.MaxValue);
                return framed;
            case "frame-header-partial":
                return framed[..Math.Min(framed.Length, 1 + _random.Next(4))];
            case "frame-two-messages":
                return [.. framed, .. framed];
            default:
                var garbage = new byte[1 + _random.Next(4)];
                _random.NextBytes(garbage);
                return [.. framed, .. garbage];
        }
    }
}
