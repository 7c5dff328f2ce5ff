using System.Net;
using System.Net.Sockets;

namespace Introspection.Registry.Stores.Memory;

/// <summary>
/// A host as stored: a canonical dotted-quad IPv4 literal (the common case) packed into four bytes, anything
/// else kept as its string. Only a literal that prints back exactly as given is packed, so the string a
/// reader gets is always the one registered.
/// </summary>
internal readonly struct PackedHost
{
    private readonly string? _text;
    private readonly uint _ipv4;

    private PackedHost(string? text, uint ipv4)
    {
        _text = text;
        _ipv4 = ipv4;
    }

    public static PackedHost From(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (host.Length is >= 7 and <= 15
            && IPAddress.TryParse(host, out var address)
            && address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> bytes = stackalloc byte[4];
            address.TryWriteBytes(bytes, out _);
            var packed = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes);
            if (string.Equals(Format(packed), host, StringComparison.Ordinal))
            {
                return new PackedHost(null, packed);
            }
        }

        return new PackedHost(host, 0);
    }

    public override string ToString() => _text ?? Format(_ipv4);

    // Every read of a record formats its host (snapshots of large apps format thousands): digits by hand,
    // into a string of the exact length, rather than an interpolated, culture-aware format.
    private static string Format(uint packed)
    {
        var length = 3; // the dots
        for (var shift = 24; shift >= 0; shift -= 8)
        {
            length += Digits((packed >> shift) & 255);
        }

        return string.Create(length, packed, static (span, value) =>
        {
            var at = 0;
            for (var shift = 24; shift >= 0; shift -= 8)
            {
                var octet = (value >> shift) & 255;
                if (octet >= 100)
                {
                    span[at++] = (char)('0' + (octet / 100));
                }

                if (octet >= 10)
                {
                    span[at++] = (char)('0' + (octet / 10 % 10));
                }

                span[at++] = (char)('0' + (octet % 10));
                if (shift != 0)
                {
                    span[at++] = '.';
                }
            }
        });
    }

    private static int Digits(uint octet) => octet >= 100 ? 3 : octet >= 10 ? 2 : 1;
}
