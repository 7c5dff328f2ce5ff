using System.Security.Cryptography;
using Introspection.Protocol.Metadata.V1;

namespace Introspection.Protocol;

/// <summary>
/// The metadata revision: a content hash of an instance's <see cref="MetadataInfo"/> that every
/// language reproduces byte for byte from <c>protocol/REVISION.md</c> (test vectors in
/// <c>protocol/revision-vectors.json</c>). All instances of one build share it, so consumers
/// fetch metadata once per distinct revision.
/// </summary>
public static class MetadataRevision
{
    /// <summary>The revision of metadata that lists no services and no HTTP endpoints.</summary>
    public const string Empty = "0";

    /// <summary>Length of a non-empty revision: SHA-256 as lowercase hex.</summary>
    public const int HexLength = 64;

    /// <summary>Domain tag written first, so a future layout can never collide with this one.</summary>
    public const string FormatTag = "introspection-revision-v1";

    /// <summary>Protocol recorded when a service leaves it empty (only the empty string is replaced; no case folding).</summary>
    public const string DefaultProtocol = "grpc";

    /// <summary>Parameter keys starting with this prefix (ASCII case-insensitive) are volatile.</summary>
    public const string VolatilePrefix = "volatile.";

    /// <summary>
    /// Parameter keys that describe one process rather than the build (ASCII case-insensitive:
    /// <c>Timestamp</c> and <c>PID</c> are volatile, non-ASCII look-alikes such as <c>ſtarttime</c> are not).
    /// They are served but never hashed: Dubbo's lesson is that a pid or start time in the hash
    /// gives every restart a new revision and defeats the cache.
    /// </summary>
    public static IReadOnlyList<string> VolatileKeys { get; } =
    [
        "pid", "timestamp", "start-time", "start_time", "start.time", "starttime", "uptime",
        "host", "hostname", "ip", "instance-id", "instance_id", "instance.id",
    ];

    /// <summary>Computes the revision of <paramref name="info"/> (its own revision field is ignored).</summary>
    /// <returns><see cref="Empty"/> when there are no services and no HTTP endpoints, otherwise 64 lowercase hex characters.</returns>
    /// <exception cref="ArgumentException">
    /// A port outside 0..65535, or a string (app, any service field, method, parameter key or value,
    /// volatile ones included) that is not valid UTF-16. Consumers verifying metadata received
    /// from the wire should treat this as a bad answer.
    /// </exception>
    public static string Compute(MetadataInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (info.Services.Count == 0 && info.HttpEndpoints.Count == 0)
        {
            return Empty;
        }

        return Convert.ToHexStringLower(SHA256.HashData(GetCanonicalBytes(info)));
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
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// True when a parameter <paramref name="key"/> is excluded from the revision: it equals one of
    /// <see cref="VolatileKeys"/> or starts with <see cref="VolatilePrefix"/>, comparing ASCII
    /// letters case-insensitively and every other character exactly.
    /// </summary>
    public static bool IsVolatileKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length >= VolatilePrefix.Length && AsciiEqualsIgnoreCase(key.AsSpan(0, VolatilePrefix.Length), VolatilePrefix))
        {
            return true;
        }

        foreach (var volatileKey in VolatileKeys)
        {
            if (AsciiEqualsIgnoreCase(key, volatileKey))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The bytes that are hashed (REVISION.md, "Document"). Requires at least one service or HTTP endpoint.</summary>
    internal static byte[] GetCanonicalBytes(MetadataInfo info)
    {
        var blocks = new List<byte[]>(info.Services.Count);
        foreach (var service in info.Services)
        {
            blocks.Add(EncodeService(service));
        }

        // Services form a set: ordered by their canonical bytes, exact duplicates dropped.
        SortDistinct(blocks);

        var writer = new CanonicalWriter();
        writer.WriteString(FormatTag, nameof(FormatTag));
        writer.WriteString(info.App, "app");
        writer.WriteUInt32((uint)blocks.Count);
        foreach (var block in blocks)
        {
            writer.WriteRaw(block);
        }

        // Only when there are HTTP endpoints: a gRPC-only app's document, and so its revision, stays what it was
        // before HTTP endpoints existed (REVISION.md section 13).
        HttpEndpointsRevision.WriteSection(writer, info.HttpEndpoints);
        return writer.ToArray();
    }

    private static byte[] EncodeService(ServiceInfo service)
    {
        if (service.Port is < 0 or > 65535)
        {
            throw new ArgumentException($"Service '{service.Name}' has port {service.Port}; a port is 0 (the instance's own) or 1..65535.", nameof(service));
        }

        var writer = new CanonicalWriter();
        writer.WriteString(service.Name, "service name");
        writer.WriteString(service.Group, $"group of service '{service.Name}'");
        writer.WriteString(service.Version, $"version of service '{service.Name}'");
        writer.WriteString(service.Protocol.Length == 0 ? DefaultProtocol : service.Protocol, $"protocol of service '{service.Name}'");
        writer.WriteUInt32((uint)service.Port);
        writer.WriteString(service.Path, $"path of service '{service.Name}'");

        var methods = new List<byte[]>(service.Methods.Count);
        foreach (var method in service.Methods)
        {
            methods.Add(CanonicalWriter.EncodeUtf8(method, $"a method of service '{service.Name}'"));
        }

        SortDistinct(methods);
        writer.WriteUInt32((uint)methods.Count);
        foreach (var method in methods)
        {
            writer.WriteField(method);
        }

        var parameters = new List<(byte[] Key, byte[] Value)>(service.Params.Count);
        foreach (var (key, value) in service.Params)
        {
            // Volatile entries are validated too, so "every string must be valid Unicode" holds
            // without exceptions and all implementations reject the same inputs.
            var keyBytes = CanonicalWriter.EncodeUtf8(key, $"a param key of service '{service.Name}'");
            var valueBytes = CanonicalWriter.EncodeUtf8(value, $"param '{key}' of service '{service.Name}'");
            if (!IsVolatileKey(key))
            {
                parameters.Add((keyBytes, valueBytes));
            }
        }

        // Map keys are distinct strings, hence distinct UTF-8: the order is total without ties.
        parameters.Sort(static (a, b) => CanonicalWriter.Compare(a.Key, b.Key));
        writer.WriteUInt32((uint)parameters.Count);
        foreach (var (key, value) in parameters)
        {
            writer.WriteField(key);
            writer.WriteField(value);
        }

        return writer.ToArray();
    }

    internal static void SortDistinct(List<byte[]> items)
    {
        items.Sort(CanonicalWriter.Compare);
        var kept = 0;
        for (var i = 0; i < items.Count; i++)
        {
            if (kept == 0 || CanonicalWriter.Compare(items[kept - 1], items[i]) != 0)
            {
                items[kept++] = items[i];
            }
        }

        items.RemoveRange(kept, items.Count - kept);
    }

    // Deliberately not StringComparison.OrdinalIgnoreCase: the spec folds A-Z only, so other
    // languages (whose Unicode case folding differs, e.g. Go maps 'ſ' to 's') agree with us.
    private static bool AsciiEqualsIgnoreCase(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (ToAsciiLower(a[i]) != ToAsciiLower(b[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static char ToAsciiLower(char c) => c is >= 'A' and <= 'Z' ? (char)(c | 0x20) : c;
}
