using System.Globalization;
using Introspection.Protocol;
using Introspection.Protocol.Metadata.V1;

namespace Introspection.Bench.Load;

/// <summary>
/// The apps, services and parameters of a scenario, generated deterministically so that both models
/// and every repeated run describe exactly the same system. Parameter names and values imitate what a
/// Dubbo 2 provider URL carries (timeout, retries, loadbalance, ...); <c>release</c> comes first and
/// carries the build number, so a new build changes every service's parameters and the revision.
/// </summary>
internal sealed class ScenarioCatalog
{
    private static readonly string[] s_paramKeys =
    [
        "release", "timeout", "retries", "loadbalance", "cluster", "serialization", "threads", "threadpool",
        "connections", "weight", "warmup", "deprecated", "dynamic", "generic", "owner", "organization",
        "environment", "module", "compression", "heartbeat", "payload", "accepts", "actives", "executes",
        "token", "anyhost", "side", "category",
    ];

    private static readonly string[] s_verbs = ["Get", "List", "Create", "Update", "Delete", "Search", "Watch", "Batch"];

    private readonly LoadOptions _options;
    private readonly Dictionary<(int App, int Build), MetadataInfo> _metadata = [];
    private readonly Dictionary<(int App, int Service, int Build), Dictionary<string, string>> _fullLabels = [];

    public ScenarioCatalog(LoadOptions options)
    {
        _options = options;
    }

    /// <summary>The one label both models attach to an instance (a zone, as a real deployment would).</summary>
    public static Dictionary<string, string> InstanceLabels { get; } = new Dictionary<string, string> { ["zone"] = "zone-a" };

    public static string AppName(int app) => "app" + app.ToString("D3", CultureInfo.InvariantCulture);

    public static string ServiceName(int app, int service) =>
        $"com.example.{AppName(app)}.Service{service.ToString("D2", CultureInfo.InvariantCulture)}";

    public static string InstanceId(int app, int index) => $"{AppName(app)}-{index.ToString("D5", CultureInfo.InvariantCulture)}";

    /// <summary>The apps consumer <paramref name="consumer"/> calls: consecutive, wrapping, so every app gets about the same number of consumers.</summary>
    public IReadOnlyList<int> AppsOfConsumer(int consumer) =>
        Enumerable.Range(0, _options.AppsPerConsumer).Select(j => ((consumer * _options.AppsPerConsumer) + j) % _options.Apps).Distinct().ToList();

    public MetadataInfo Metadata(int app, int build)
    {
        lock (_metadata)
        {
            if (_metadata.TryGetValue((app, build), out var cached))
            {
                return cached;
            }

            var info = new MetadataInfo { App = AppName(app) };
            for (var s = 0; s < _options.ServicesPerApp; s++)
            {
                var service = new ServiceInfo
                {
                    Name = ServiceName(app, s),
                    Version = "1.0.0",
                    Protocol = "grpc",
                    Port = 0,
                };
                service.Methods.Add(Methods(s));
                service.Params.Add(Params(app, s, build));
                info.Services.Add(service);
            }

            info.Revision = MetadataRevision.Compute(info);
            _metadata[(app, build)] = info;
            return info;
        }
    }

    public string Revision(int app, int build) => Metadata(app, build).Revision;

    /// <summary>
    /// What one full-model entry carries: every parameter plus the service identity a Dubbo 2 URL has
    /// (interface, application, methods, version, protocol). Per-process facts Dubbo 2 also put there
    /// (pid, timestamp) are left out, which makes the full model smaller than it was in practice.
    /// </summary>
    public Dictionary<string, string> FullLabels(int app, int service, int build)
    {
        lock (_fullLabels)
        {
            if (_fullLabels.TryGetValue((app, service, build), out var cached))
            {
                return cached;
            }

            var labels = new Dictionary<string, string>(Params(app, service, build))
            {
                ["interface"] = ServiceName(app, service),
                ["application"] = AppName(app),
                ["methods"] = string.Join(',', Methods(service)),
                ["version"] = "1.0.0",
                ["protocol"] = "grpc",
            };
            foreach (var (k, v) in InstanceLabels)
            {
                labels[k] = v;
            }

            _fullLabels[(app, service, build)] = labels;
            return labels;
        }
    }

    private IEnumerable<string> Methods(int service) =>
        Enumerable.Range(0, _options.MethodsPerService)
            .Select(m => s_verbs[m % s_verbs.Length] + "Item" + (service + (m / s_verbs.Length)).ToString(CultureInfo.InvariantCulture));

    private Dictionary<string, string> Params(int app, int service, int build)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < _options.ParamsPerService; i++)
        {
            var key = i < s_paramKeys.Length ? s_paramKeys[i] : "param." + i.ToString(CultureInfo.InvariantCulture);
            result[key] = ParamValue(key, i, app, service, build);
        }

        return result;
    }

    private static string ParamValue(string key, int i, int app, int service, int build) => key switch
    {
        "release" => $"2.{build}.0",
        "timeout" => "3000",
        "retries" => "2",
        "loadbalance" => "roundrobin",
        "cluster" => "failover",
        "serialization" => "protobuf",
        "threads" => "200",
        "threadpool" => "fixed",
        "connections" => "1",
        "weight" => "100",
        "warmup" => "600000",
        "deprecated" or "generic" => "false",
        "dynamic" or "anyhost" or "token" => "true",
        "owner" => "team-" + AppName(app),
        "organization" => "example-org",
        "environment" => "production",
        "module" => AppName(app) + "-service" + service.ToString(CultureInfo.InvariantCulture),
        "compression" => "gzip",
        "heartbeat" => "60000",
        "payload" => "8388608",
        "accepts" or "actives" or "executes" => "0",
        "side" => "provider",
        "category" => "providers",
        _ => $"value-{i}-{AppName(app)}",
    };
}
