using System.Text;
using System.Text.Json;
using Introspection.Protocol.Metadata.V1;

namespace Introspection.Protocol.Tests.Revision;

/// <summary>Loads protocol/revision-vectors.json (copied next to the test assembly by the protocol project).</summary>
internal static class RevisionVectors
{
    // A strict decoder, as a byte-string implementation validates: invalid UTF-8 throws, never becomes U+FFFD.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly Lazy<JsonDocument> LazyDocument = new(() => JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "revision-vectors.json"))));
    private static readonly Lazy<IReadOnlyList<RevisionVector>> LazyAll = new(Load);

    public static IReadOnlyList<RevisionVector> All => LazyAll.Value;

    public static JsonElement Root => LazyDocument.Value.RootElement;

    public static RevisionVector Get(string name) => All.Single(v => v.Name == name);

    /// <summary>The vectors with an expected revision.</summary>
    public static TheoryData<string> Names() => NamesWhere(v => v.Reject is null);

    /// <summary>The vectors that must be rejected.</summary>
    public static TheoryData<string> RejectNames() => NamesWhere(v => v.Reject is not null);

    /// <summary>A string of the file: a JSON string, or a raw object (UTF-16 code units first, else strictly decoded UTF-8 bytes).</summary>
    public static string? ReadString(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString()!;
        }

        var raw = value.GetProperty("raw");
        if (raw.TryGetProperty("utf16", out var utf16))
        {
            var bytes = Convert.FromHexString(utf16.GetString()!);
            var units = new char[bytes.Length / 2];
            for (var i = 0; i < units.Length; i++)
            {
                units[i] = (char)(bytes[2 * i] << 8 | bytes[2 * i + 1]);
            }

            return new string(units);
        }

        return StrictUtf8.GetString(Convert.FromHexString(raw.GetProperty("utf8").GetString()!));
    }

    private static TheoryData<string> NamesWhere(Func<RevisionVector, bool> predicate)
    {
        var data = new TheoryData<string>();
        foreach (var vector in All.Where(predicate))
        {
            data.Add(vector.Name);
        }

        return data;
    }

    private static IReadOnlyList<RevisionVector> Load()
    {
        var vectors = new List<RevisionVector>();
        foreach (var element in Root.GetProperty("vectors").EnumerateArray())
        {
            var input = element.GetProperty("input");
            vectors.Add(new RevisionVector(
                element.GetProperty("name").GetString()!,
                element.GetProperty("description").GetString()!,
                () => ReadInfo(input),
                element.TryGetProperty("canonical", out var canonical) ? canonical.GetString() : null,
                element.TryGetProperty("expected", out var expected) ? expected.GetString() : null,
                element.TryGetProperty("reject", out var reject) ? reject.GetString() : null));
        }

        return vectors;
    }

    private static MetadataInfo ReadInfo(JsonElement input)
    {
        var info = new MetadataInfo { App = ReadString(input.GetProperty("app"))! };
        if (input.TryGetProperty("revision", out var revision))
        {
            info.Revision = ReadString(revision)!;
        }

        foreach (var s in input.GetProperty("services").EnumerateArray())
        {
            var service = new ServiceInfo
            {
                Name = ReadString(s.GetProperty("name"))!,
                Group = ReadString(s.GetProperty("group"))!,
                Version = ReadString(s.GetProperty("version"))!,
                Protocol = ReadString(s.GetProperty("protocol"))!,
                Port = s.GetProperty("port").GetInt32(),
                Path = ReadString(s.GetProperty("path"))!,
            };
            foreach (var method in s.GetProperty("methods").EnumerateArray())
            {
                service.Methods.Add(ReadString(method)!);
            }

            var parameters = s.GetProperty("params");
            if (parameters.ValueKind == JsonValueKind.Array)
            {
                // [key, value] pairs: the form used when a key must be a raw string.
                foreach (var pair in parameters.EnumerateArray())
                {
                    service.Params.Add(ReadString(pair[0])!, ReadString(pair[1])!);
                }
            }
            else
            {
                // Member order is kept: some vectors shuffle it on purpose.
                foreach (var param in parameters.EnumerateObject())
                {
                    service.Params.Add(param.Name, ReadString(param.Value)!);
                }
            }

            info.Services.Add(service);
        }

        // REVISION.md §13: only vectors with HTTP endpoints carry the member.
        if (input.TryGetProperty("http_endpoints", out var httpEndpoints))
        {
            foreach (var h in httpEndpoints.EnumerateArray())
            {
                var endpoint = new HttpEndpointInfo { Route = h.GetProperty("route").GetString()! };
                foreach (var method in h.GetProperty("methods").EnumerateArray())
                {
                    endpoint.Methods.Add(method.GetString()!);
                }

                info.HttpEndpoints.Add(endpoint);
            }
        }

        return info;
    }
}
