using System.Text.Json;
using Introspection.Protocol.Metadata.V1;

namespace Introspection.Protocol.Tests.Revision;

/// <summary>Loads protocol/revision-vectors.json (copied next to the test assembly by the protocol project).</summary>
internal static class RevisionVectors
{
    private static readonly Lazy<IReadOnlyList<RevisionVector>> LazyAll = new(Load);

    public static IReadOnlyList<RevisionVector> All => LazyAll.Value;

    public static RevisionVector Get(string name) => All.Single(v => v.Name == name);

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var vector in All)
        {
            data.Add(vector.Name);
        }

        return data;
    }

    private static IReadOnlyList<RevisionVector> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "revision-vectors.json");
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var vectors = new List<RevisionVector>();
        foreach (var element in document.RootElement.GetProperty("vectors").EnumerateArray())
        {
            vectors.Add(new RevisionVector(
                element.GetProperty("name").GetString()!,
                element.GetProperty("description").GetString()!,
                ReadInfo(element.GetProperty("input")),
                element.TryGetProperty("canonical", out var canonical) ? canonical.GetString() : null,
                element.GetProperty("expected").GetString()!));
        }

        return vectors;
    }

    private static MetadataInfo ReadInfo(JsonElement input)
    {
        var info = new MetadataInfo { App = input.GetProperty("app").GetString()! };
        foreach (var s in input.GetProperty("services").EnumerateArray())
        {
            var service = new ServiceInfo
            {
                Name = s.GetProperty("name").GetString()!,
                Group = s.GetProperty("group").GetString()!,
                Version = s.GetProperty("version").GetString()!,
                Protocol = s.GetProperty("protocol").GetString()!,
                Port = s.GetProperty("port").GetInt32(),
                Path = s.GetProperty("path").GetString()!,
            };
            foreach (var method in s.GetProperty("methods").EnumerateArray())
            {
                service.Methods.Add(method.GetString()!);
            }

            // Member order is kept: some vectors shuffle it on purpose.
            foreach (var param in s.GetProperty("params").EnumerateObject())
            {
                service.Params.Add(param.Name, param.Value.GetString()!);
            }

            info.Services.Add(service);
        }

        // REVISION.md §10: only vectors with HTTP endpoints carry the member.
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
