using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Introspection.Protocol.Metadata.V1;

namespace Introspection.Protocol;

/// <summary>
/// The metadata revision: a content hash of an instance's <see cref="MetadataInfo"/> that every
/// language reproduces byte for byte from <c>protocol/REVISION.md</c>. All instances of one build
/// share it, so consumers fetch metadata once per distinct revision.
/// </summary>
public static class MetadataRevision
{
    /// <summary>The revision of metadata that lists no services.</summary>
    public const string Empty = "0";

    /// <summary>Length of a non-empty revision: SHA-256 as lowercase hex.</summary>
    public const int HexLength = 64;

    /// <summary>Domain tag written first, so a future layout can never collide with this one.</summary>
    public const string FormatTag = "introspection-revision-v1";

    /// <summary>Protocol recorded when a service leaves it empty.</summary>
    public const string DefaultProtocol = "grpc";

    /// <summary>Parameter keys starting with this prefix (ASCII case-insensitive) are volatile.</summary>
    public const string VolatilePrefix = "volatile.";

    /// <summary>
    /// Parameter keys that describe one process rather than the build (ASCII case-insensitive).
    /// They are served but never hashed: Dubbo's lesson is that a pid or start time in the hash
    /// gives every restart a new revision and defeats the cache.
    /// </summary>
    public static IReadOnlyList<string> VolatileKeys { get; } =
    [
        "pid", "timestamp", "start-time", "start_time", "start.time", "starttime", "uptime",
        "host", "hostname", "ip", "instance-id", "instance_id", "instance.id",
    ];

    private static readonly HashSet<string> s_volatileKeys = new(VolatileKeys, StringComparer.OrdinalIgnoreCase);
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Computes the revision of <paramref name="info"/> (its own revision field is ignored).</summary>
    /// <exception cref="ArgumentException">A port outside 0..65535 or a string that is not valid UTF-16.</exception>
    public static string Compute(MetadataInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (info.Services.Count == 0)
        {
            return Empty;
        }

        var blocks = new List<byte[]>(info.Services.Count);
        foreach (var service in info.Services)
        {
            blocks.Add(EncodeService(service));
        }

        // Services form a set: ordered by their canonical bytes, exact duplicates dropped.
        blocks.Sort(CompareBytes);
        var writer = new CanonicalWriter();
        writer.WriteString(FormatTag);
        writer.WriteString(info.App);
        var distinct = 0;
        for (var i = 0; i < blocks.Count; i++)
        {
            if (i == 0 || CompareBytes(blocks[i - 1], blocks[i]) != 0)
            {
                distinct++;
            }
        }

        writer.WriteUInt32((uint)distinct);
        for (var i = 0; i < blocks.Count; i++)
        {
            if (i == 0 || CompareBytes(blocks[i - 1], blocks[i]) != 0)
            {
                writer.WriteRaw(blocks[i]);
            }
        }

        return Convert.ToHexStringLower(SHA256.HashData(writer.ToArray()));
    }

    /// <summary>True for <c>"0"</c> or exactly 64 lowercase hex characters.</summary>
    public static bool IsWellFormed(string? revision)
    {
        if (revision is null)
        {
            return false;
        }

        if (revision == Empty)
        {
            return true;
        }

        if (revision.Length != HexLength)
        {
            return false;
        }

        foreach (var c in revision)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when <paramref name="key"/> is excluded from the revision.</summary>
    public static bool IsVolatileKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return s_volatileKeys.Contains(key) || key.StartsWith(VolatilePrefix, StringComparison.OrdinalIgnoreCase);
    }

    private static byte[] EncodeService(ServiceInfo service)
    {
        if (service.Port is < 0 or > 65535)
        {
            throw new ArgumentException($"Service '{service.Name}' has port {service.Port}; a port is 0 (the instance's own) or 1..65535.", nameof(service));
        }

        var writer = new CanonicalWriter();
        writer.WriteString(service.Name);
        writer.WriteString(service.Group);
        writer.WriteString(service.Version);
        writer.WriteString(service.Protocol.Length == 0 ? DefaultProtocol : service.Protocol);
        writer.WriteUInt32((uint)service.Port);
        writer.WriteString(service.Path);

        var methods = service.Methods.Select(Utf8).ToList();
        methods.Sort(CompareBytes);
        var distinctMethods = methods.Where((m, i) => i == 0 || CompareBytes(methods[i - 1], m) != 0).ToList();
        writer.WriteUInt32((uint)distinctMethods.Count);
        foreach (var method in distinctMethods)
        {
            writer.WriteField(method);
        }

        var parameters = service.Params
            .Where(p => !IsVolatileKey(p.Key))
            .Select(p => (Key: Utf8(p.Key), Value: Utf8(p.Value)))
            .ToList();
        parameters.Sort((a, b) => CompareBytes(a.Key, b.Key));
        writer.WriteUInt32((uint)parameters.Count);
        foreach (var (key, value) in parameters)
        {
            writer.WriteField(key);
            writer.WriteField(value);
        }

        return writer.ToArray();
    }

    private static byte[] Utf8(string value)
    {
        try
        {
            return s_strictUtf8.GetBytes(value);
        }
        catch (EncoderFallbackException ex)
        {
            throw new ArgumentException("Metadata strings must be valid UTF-16 (no lone surrogates).", nameof(value), ex);
        }
    }

    /// <summary>Unsigned lexicographic byte order; a proper prefix sorts first.</summary>
    private static int CompareBytes(byte[] a, byte[] b) => a.AsSpan().SequenceCompareTo(b);

    /// <summary>Length-prefixed fields: a value holding any byte can never be read as two fields.</summary>
    private sealed class CanonicalWriter
    {
        private readonly MemoryStream _stream = new();

        public void WriteString(string value) => WriteField(Utf8(value));

        public void WriteField(byte[] bytes)
        {
            WriteUInt32((uint)bytes.Length);
            _stream.Write(bytes);
        }

        public void WriteUInt32(uint value)
        {
            Span<byte> buffer = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(buffer, value);
            _stream.Write(buffer);
        }

        public void WriteRaw(byte[] bytes) => _stream.Write(bytes);

        public byte[] ToArray() => _stream.ToArray();
    }
}
