using Google.Protobuf;
using Introspection.Protocol.Metadata.V1;
using Introspection.Protocol.Registry.V1;

namespace Introspection.FaultTests.Fuzz;

/// <summary>
/// Starting points of the fuzz: for each RPC, requests whose field values are drawn (seeded) from valid values and
/// boundary ones (limits ± 1, empty, wrong charset, negative numbers, unknown revisions, oversized labels). The fuzz
/// writes only to the namespaces below: <see cref="ControlNamespace"/> is never named by any of them.
/// </summary>
public sealed class FuzzCorpus(Random random, IReadOnlyList<long> knownLeases, string providerRevision)
{
    public const string FuzzNamespace = "fz";

    public const string ControlNamespace = "ctl.snapshot";

    private static readonly string[] s_namespaces = [FuzzNamespace, FuzzNamespace, FuzzNamespace, "", new('n', 63), new('n', 64), "bad:ns", "fz ns", "ñs", "\0", "fz/x"];
    private static readonly string[] s_apps = ["fz-app", "fz-app", "fz-app2", "", "a", new('a', 128), new('a', 129), "bad app", "ápp", "a\0b", "ctl-app"];
    private static readonly string[] s_instances = ["i-1", "i-1", "i-2", "", new('i', 200), new('i', 201), "bad id", "ctl-1", "\u2603"];
    private static readonly string[] s_hosts = ["127.0.0.1", "127.0.0.1", "::1", "localhost", "", "0.0.0.0", "::", new('h', 253), new('h', 254), "-bad-", "[::1]", "host name", "1.2.3.4.5"];
    private static readonly int[] s_ports = [5001, 5001, 1, 65535, 0, -1, 65536, int.MaxValue, int.MinValue];
    private static readonly string[] s_revisions = ["0", "0", new('a', 64), new('f', 64), new('a', 63), new('a', 65), new('A', 64), "", "x", new string('0', 63) + "\u00e9"];
    private static readonly long[] s_ttls = [0, 3000, 5000, 1, -1, long.MinValue, long.MaxValue, 1_000_000_000];
    private static readonly string[] s_services = ["greet.Greeter", "greet.Greeter", "a.B", "", "bad service", new('s', 256), new('s', 257), "a/b", "ä.B"];

    private readonly Random _random = random;

    /// <summary>The fully qualified method names, in the order they are fuzzed.</summary>
    public static readonly string[] RegistryMethods =
    [
        "introspection.registry.v1.Registry/Register",
        "introspection.registry.v1.Registry/KeepAlive",
        "introspection.registry.v1.Registry/UpdateInstance",
        "introspection.registry.v1.Registry/Deregister",
        "introspection.registry.v1.Registry/ListApps",
        "introspection.registry.v1.Registry/ListInstances",
        "introspection.registry.v1.Registry/LookupService",
        "introspection.registry.v1.Registry/MapService",
        "introspection.registry.v1.Registry/Watch",
    ];

    public const string MetadataMethod = "introspection.metadata.v1.MetadataService/GetMetadataInfo";

    /// <summary>A request for <paramref name="method"/>, every field drawn from its candidates.</summary>
    public IMessage Next(string method) => method[(method.IndexOf('/', StringComparison.Ordinal) + 1)..] switch
    {
        "Register" => new RegisterRequest { Namespace = Pick(s_namespaces), Instance = NextInstance(), TtlMs = Pick(s_ttls) },
        "KeepAlive" => new KeepAliveRequest { Namespace = Pick(s_namespaces), LeaseId = NextLease() },
        "UpdateInstance" => NextUpdate(),
        "Deregister" => new DeregisterRequest { Namespace = Pick(s_namespaces), App = Pick(s_apps), InstanceId = Pick(s_instances) },
        "ListApps" => new ListAppsRequest { Namespace = Pick(s_namespaces) },
        "ListInstances" => new ListInstancesRequest { Namespace = Pick(s_namespaces), App = Pick(s_apps) },
        "LookupService" => new LookupServiceRequest { Namespace = Pick(s_namespaces), Service = Pick(s_services) },
        "MapService" => NextMapping(),
        "Watch" => NextWatch(),
        "GetMetadataInfo" => new GetMetadataInfoRequest { Revision = _random.Next(3) == 0 ? providerRevision : Pick(s_revisions) },
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "not fuzzed"),
    };

    private Instance NextInstance()
    {
        var instance = new Instance { App = Pick(s_apps), InstanceId = Pick(s_instances), Host = Pick(s_hosts), Port = Pick(s_ports), Revision = Pick(s_revisions) };
        AddLabels(instance.Labels);
        if (_random.Next(10) == 0)
        {
            instance.ModRevision = _random.NextInt64(); // output only: must be ignored
        }

        return instance;
    }

    private UpdateInstanceRequest NextUpdate()
    {
        var request = new UpdateInstanceRequest { Namespace = Pick(s_namespaces), App = Pick(s_apps), InstanceId = Pick(s_instances), Revision = Pick(s_revisions), SetLabels = _random.Next(2) == 0 };
        AddLabels(request.Labels);
        return request;
    }

    private MapServiceRequest NextMapping()
    {
        var request = new MapServiceRequest { Namespace = Pick(s_namespaces), App = Pick(s_apps) };
        var count = _random.Next(8) switch { 0 => 0, 1 => 1025, 2 => 1024, _ => 1 + _random.Next(3) };
        for (var i = 0; i < count; i++)
        {
            request.Services.Add(count > 3 ? $"s{i}.Svc" : Pick(s_services));
        }

        return request;
    }

    private WatchRequest NextWatch()
    {
        var request = new WatchRequest
        {
            Namespace = Pick(s_namespaces),
            SinceRevision = _random.Next(5) switch { 0 => -1, 1 => long.MaxValue, 2 => 1, _ => 0 },
            IncludeServiceMappings = _random.Next(2) == 0,
        };
        var count = _random.Next(10) switch { 0 => 1025, 1 => 0, _ => 1 + _random.Next(2) };
        for (var i = 0; i < count; i++)
        {
            request.Apps.Add(count > 2 ? $"app{i}" : Pick(s_apps));
        }

        return request;
    }

    private long NextLease() => _random.Next(6) switch
    {
        0 => 0,
        1 => -1,
        2 => long.MaxValue,
        3 => _random.NextInt64(),
        _ => knownLeases.Count == 0 ? 1 : knownLeases[_random.Next(knownLeases.Count)],
    };

    private void AddLabels(Google.Protobuf.Collections.MapField<string, string> labels)
    {
        switch (_random.Next(8))
        {
            case 0:
                for (var i = 0; i < 17; i++)
                {
                    labels[$"k{i}"] = "v"; // one over the default count cap
                }

                break;
            case 1:
                labels["big"] = new string('v', 257); // one over the value cap
                break;
            case 2:
                for (var i = 0; i < 5; i++)
                {
                    labels[$"k{i}"] = new string('v', 250); // over the total-bytes cap
                }

                break;
            case 3:
                labels[_random.Next(3) switch { 0 => "", 1 => new string('k', 64), _ => "bad key" }] = "v";
                break;
            case 4:
                labels["zone"] = "a";
                break;
            default:
                break;
        }
    }

    // Half the draws take the first (valid) candidate, so enough requests pass validation to reach the store.
    private T Pick<T>(T[] values) => _random.Next(2) == 0 ? values[0] : values[_random.Next(values.Length)];
}
