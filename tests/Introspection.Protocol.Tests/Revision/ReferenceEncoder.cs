using System.Security.Cryptography;
using Introspection.Protocol.Metadata.V1;

namespace Introspection.Protocol.Tests.Revision;

/// <summary>
/// A second implementation of protocol/REVISION.md, written from the spec alone and sharing no
/// code with <see cref="MetadataRevision"/>: bytes appended by hand, UTF-8 encoded by hand from
/// UTF-16, unsigned comparison and hex by hand. Only SHA-256 itself comes from the framework.
/// </summary>
internal static class ReferenceEncoder
{
    // REVISION.md §5, copied from the document rather than from MetadataRevision.VolatileKeys.
    private static readonly string[] VolatileKeys =
    [
        "pid", "timestamp", "start-time", "start_time", "start.time", "starttime", "uptime",
        "host", "hostname", "ip", "instance-id", "instance_id", "instance.id",
    ];

    public static string Revision(MetadataInfo info)
    {
        if (info.Services.Count == 0 && info.HttpEndpoints.Count == 0)
        {
            return "0";
        }

        var digest = SHA256.HashData(Document(info));
        const string Digits = "0123456789abcdef";
        var hex = new char[digest.Length * 2];
        for (var i = 0; i < digest.Length; i++)
        {
            hex[2 * i] = Digits[digest[i] >> 4];
            hex[(2 * i) + 1] = Digits[digest[i] & 0xF];
        }

        return new string(hex);
    }

    /// <summary>§4.3: str(tag) ‖ str(app) ‖ u32(n) ‖ sorted distinct blocks.</summary>
    public static byte[] Document(MetadataInfo info)
    {
        var blocks = new List<byte[]>();
        foreach (var service in info.Services)
        {
            var block = Block(service);
            if (!blocks.Any(b => Compare(b, block) == 0))
            {
                blocks.Add(block);
            }
        }

        InsertionSort(blocks, (a, b) => Compare(a, b));
        var document = new List<byte>();
        Str(document, "introspection-revision-v1");
        Str(document, info.App);
        U32(document, (uint)blocks.Count);
        foreach (var block in blocks)
        {
            document.AddRange(block);
        }

        // §13: the HTTP section, only when there are HTTP endpoints.
        if (info.HttpEndpoints.Count > 0)
        {
            var httpBlocks = new List<byte[]>();
            foreach (var endpoint in info.HttpEndpoints)
            {
                var block = HttpBlock(endpoint);
                if (!httpBlocks.Any(b => Compare(b, block) == 0))
                {
                    httpBlocks.Add(block);
                }
            }

            InsertionSort(httpBlocks, (a, b) => Compare(a, b));
            Str(document, "http");
            U32(document, (uint)httpBlocks.Count);
            foreach (var block in httpBlocks)
            {
                document.AddRange(block);
            }
        }

        return [.. document];
    }

    private static byte[] HttpBlock(HttpEndpointInfo endpoint)
    {
        var block = new List<byte>();
        Str(block, endpoint.Route);
        var methods = new List<byte[]>();
        foreach (var method in endpoint.Methods)
        {
            var bytes = Utf8(method);
            if (!methods.Any(m => Compare(m, bytes) == 0))
            {
                methods.Add(bytes);
            }
        }

        InsertionSort(methods, (a, b) => Compare(a, b));
        U32(block, (uint)methods.Count);
        foreach (var method in methods)
        {
            Field(block, method);
        }

        return [.. block];
    }

    private static byte[] Block(ServiceInfo service)
    {
        if (service.Port < 0 || service.Port > 65535)
        {
            throw new ArgumentException("port out of range");
        }

        var block = new List<byte>();
        Str(block, service.Name);
        Str(block, service.Group);
        Str(block, service.Version);
        Str(block, service.Protocol == "" ? "grpc" : service.Protocol);
        U32(block, (uint)service.Port);
        Str(block, service.Path);

        var methods = new List<byte[]>();
        foreach (var method in service.Methods)
        {
            var bytes = Utf8(method);
            if (!methods.Any(m => Compare(m, bytes) == 0))
            {
                methods.Add(bytes);
            }
        }

        InsertionSort(methods, (a, b) => Compare(a, b));
        U32(block, (uint)methods.Count);
        foreach (var method in methods)
        {
            Field(block, method);
        }

        var parameters = new List<(byte[] Key, byte[] Value)>();
        foreach (var pair in service.Params)
        {
            var key = Utf8(pair.Key);
            var value = Utf8(pair.Value);
            if (!IsVolatile(pair.Key))
            {
                parameters.Add((key, value));
            }
        }

        InsertionSort(parameters, (a, b) => Compare(a.Key, b.Key));
        U32(block, (uint)parameters.Count);
        foreach (var (key, value) in parameters)
        {
            Field(block, key);
            Field(block, value);
        }

        return [.. block];
    }

    private static bool IsVolatile(string key)
    {
        var lowered = new char[key.Length];
        for (var i = 0; i < key.Length; i++)
        {
            lowered[i] = key[i] >= 'A' && key[i] <= 'Z' ? (char)(key[i] + ('a' - 'A')) : key[i];
        }

        var folded = new string(lowered);
        return VolatileKeys.Contains(folded, StringComparer.Ordinal) || folded.StartsWith("volatile.", StringComparison.Ordinal);
    }

    private static void U32(List<byte> output, uint value)
    {
        output.Add((byte)(value >> 24));
        output.Add((byte)(value >> 16));
        output.Add((byte)(value >> 8));
        output.Add((byte)value);
    }

    private static void Str(List<byte> output, string value) => Field(output, Utf8(value));

    private static void Field(List<byte> output, byte[] bytes)
    {
        U32(output, (uint)bytes.Length);
        output.AddRange(bytes);
    }

    private static byte[] Utf8(string value)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < value.Length; i++)
        {
            int codePoint = value[i];
            if (codePoint is >= 0xD800 and <= 0xDBFF)
            {
                if (i + 1 >= value.Length || value[i + 1] is < (char)0xDC00 or > (char)0xDFFF)
                {
                    throw new ArgumentException("unpaired high surrogate");
                }

                codePoint = 0x10000 + ((codePoint - 0xD800) << 10) + (value[++i] - 0xDC00);
            }
            else if (codePoint is >= 0xDC00 and <= 0xDFFF)
            {
                throw new ArgumentException("unpaired low surrogate");
            }

            if (codePoint < 0x80)
            {
                bytes.Add((byte)codePoint);
            }
            else if (codePoint < 0x800)
            {
                bytes.Add((byte)(0xC0 | (codePoint >> 6)));
                bytes.Add((byte)(0x80 | (codePoint & 0x3F)));
            }
            else if (codePoint < 0x10000)
            {
                bytes.Add((byte)(0xE0 | (codePoint >> 12)));
                bytes.Add((byte)(0x80 | ((codePoint >> 6) & 0x3F)));
                bytes.Add((byte)(0x80 | (codePoint & 0x3F)));
            }
            else
            {
                bytes.Add((byte)(0xF0 | (codePoint >> 18)));
                bytes.Add((byte)(0x80 | ((codePoint >> 12) & 0x3F)));
                bytes.Add((byte)(0x80 | ((codePoint >> 6) & 0x3F)));
                bytes.Add((byte)(0x80 | (codePoint & 0x3F)));
            }
        }

        return [.. bytes];
    }

    private static int Compare(byte[] a, byte[] b)
    {
        for (var i = 0; i < a.Length && i < b.Length; i++)
        {
            if (a[i] != b[i])
            {
                return a[i] < b[i] ? -1 : 1;
            }
        }

        return a.Length.CompareTo(b.Length);
    }

    // A stable sort written out, so the order does not come from the same library sort.
    private static void InsertionSort<T>(List<T> items, Func<T, T, int> compare)
    {
        for (var i = 1; i < items.Count; i++)
        {
            var item = items[i];
            var j = i - 1;
            while (j >= 0 && compare(items[j], item) > 0)
            {
                items[j + 1] = items[j];
                j--;
            }

            items[j + 1] = item;
        }
    }
}
