using BenchmarkDotNet.Attributes;
using Introspection.Protocol;
using Introspection.Protocol.Metadata.V1;

namespace Introspection.Bench.Micro;

/// <summary>
/// Metadata revision computation (canonical form + SHA-256) for an app of a given size. A provider
/// computes it once per metadata change; a consumer once per fetched (app, revision) to verify it.
/// BenchmarkDotNet needs benchmark classes public and unsealed.
/// </summary>
public class RevisionBenchmarks
{
    private MetadataInfo _info = new();

    /// <summary>Services in the app.</summary>
    [Params(1, 10, 50)]
    public int Services { get; set; }

    /// <summary>Builds the metadata: 5 methods and 20 parameters per service, as in the load scenario.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _info = new MetadataInfo { App = "app000" };
        for (var s = 0; s < Services; s++)
        {
            var service = new ServiceInfo { Name = $"com.example.app000.Service{s:D2}", Version = "1.0.0", Protocol = "grpc" };
            for (var m = 0; m < 5; m++)
            {
                service.Methods.Add($"Method{m}");
            }

            for (var p = 0; p < 20; p++)
            {
                service.Params[$"param.{p}"] = $"value-{p}-app000";
            }

            _info.Services.Add(service);
        }
    }

    /// <summary>Computes the revision.</summary>
    [Benchmark]
    public string Compute() => MetadataRevision.Compute(_info);
}
