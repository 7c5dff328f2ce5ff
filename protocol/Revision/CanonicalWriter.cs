using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Introspection.Protocol;

/// <summary>
/// Builds the canonical byte form of <c>protocol/REVISION.md</c>: unsigned 32-bit big-endian
/// integers and length-prefixed UTF-8 strings. Length prefixes (not separators) are what make the
/// encoding injective: a value holding any byte, NUL or something that looks like a length
/// included, can never be read back as two fields.
/// </summary>
internal sealed class CanonicalWriter
{
    // Strict: a lone surrogate throws instead of silently becoming U+FFFD, which would let two
    // different strings hash alike and diverge from implementations that reject them.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ArrayBufferWriter<byte> _buffer = new();

    /// <summary>Writes <c>u32(byte length) || UTF-8 bytes</c>.</summary>
    public void WriteString(string value, string field) => WriteField(EncodeUtf8(value, field));

    /// <summary>Writes <c>u32(bytes.Length) || bytes</c>.</summary>
    public void WriteField(ReadOnlySpan<byte> bytes)
    {
        WriteUInt32((uint)bytes.Length);
        _buffer.Write(bytes);
    }

    /// <summary>Writes four bytes, most significant first.</summary>
    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.GetSpan(sizeof(uint)), value);
        _buffer.Advance(sizeof(uint));
    }

    /// <summary>Writes already canonical bytes (a service block) as they are.</summary>
    public void WriteRaw(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    /// <summary>UTF-8 of <paramref name="value"/>; rejects strings that are not valid UTF-16.</summary>
    /// <exception cref="ArgumentException"><paramref name="value"/> holds an unpaired surrogate.</exception>
    public static byte[] EncodeUtf8(string value, string field)
    {
        try
        {
            return StrictUtf8.GetBytes(value);
        }
        catch (EncoderFallbackException ex)
        {
            throw new ArgumentException($"{field} is not valid UTF-16 (it holds an unpaired surrogate); metadata strings must be valid Unicode.", field, ex);
        }
    }

    /// <summary>Unsigned lexicographic byte order; a proper prefix sorts first.</summary>
    public static int Compare(byte[] a, byte[] b) => a.AsSpan().SequenceCompareTo(b);
}
