using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Google.Protobuf;
using Grpc.Net.Client;
using Introspection.FaultTests.Infrastructure;
using Introspection.Protocol.Metadata.V1;
using Introspection.Protocol.Registry.V1;
using Xunit.Abstractions;

namespace Introspection.FaultTests.Fuzz;

/// <summary>
/// A bounded, seeded mutation fuzz of every RPC over raw HTTP/2: the registry process (memory store) and a provider
/// process's MetadataService get valid, boundary-valued and byte-mutated requests. Asserted: no UNKNOWN status, no
/// answer without a grpc-status, the processes alive and serving after, and a control namespace (and the provider's
/// metadata) unchanged.
/// </summary>
public sealed class RpcFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Seed = 20261201;
    private const int CasesPerMethod = 300;
    private const int Concurrency = 8;
    private static readonly TimeSpan s_budget = TimeSpan.FromSeconds(90);

    private RegistryProcess? _registry;
    private ProcessProvider? _provider;
    private readonly List<long> _leases = [];

    public async Task InitializeAsync()
    {
        // Long leases: the control records must outlive the fuzz without anybody renewing them.
        _registry = await RegistryProcess.StartAsync("--Introspection:Registry:Leases:MaxTtl=00:30:00");
        foreach (var (app, id) in new[] { ("ctl-app", "ctl-1"), ("ctl-app", "ctl-2"), ("ctl-app2", "ctl-1") })
        {
            var response = await _registry.Client.RegisterAsync(
                new RegisterRequest
                {
                    Namespace = FuzzCorpus.ControlNamespace,
                    Instance = new Instance { App = app, InstanceId = id, Host = "127.0.0.1", Port = 5001, Revision = "0", Labels = { ["zone"] = "a" } },
                    TtlMs = (long)TimeSpan.FromMinutes(20).TotalMilliseconds,
                },
                deadline: DateTime.UtcNow + TestTimeouts.Call);
            _leases.Add(response.LeaseId);
        }

        await _registry.Client.MapServiceAsync(new MapServiceRequest { Namespace = FuzzCorpus.ControlNamespace, App = "ctl-app", Services = { "greet.Greeter" } }, deadline: DateTime.UtcNow + TestTimeouts.Call);
        _provider = await ProcessProvider.StartAsync(_registry.Url, _registry.Client, "fuzzed", TimeSpan.FromSeconds(15));
    }

    public async Task DisposeAsync()
    {
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }

        if (_registry is not null)
        {
            await _registry.DisposeAsync();
        }
    }

    [Fact]
    public async Task EveryRpc_MutatedRequestsSeed20261201_NoUnknownNoCrashStateUnchanged()
    {
        var registry = _registry!;
        var provider = await ProcessProvider.FindAsync(registry.Client, "fuzzed");
        var providerUrl = $"http://{provider.Host}:{provider.Port}";
        var controlBefore = await SnapshotControlAsync(registry);
        using var metadataChannel = GrpcChannel.ForAddress(providerUrl);
        var metadata = new MetadataService.MetadataServiceClient(metadataChannel);
        var metadataBefore = (await metadata.GetMetadataInfoAsync(new GetMetadataInfoRequest { Revision = provider.Revision }, deadline: DateTime.UtcNow + TestTimeouts.Call)).ToByteArray();

        var mutator = new Mutator(Seed);
        var corpus = new FuzzCorpus(mutator.Random, _leases, provider.Revision);
        var cases = new List<FuzzCase>();
        foreach (var method in FuzzCorpus.RegistryMethods.Append(FuzzCorpus.MetadataMethod))
        {
            for (var i = 0; i < CasesPerMethod; i++)
            {
                var message = corpus.Next(method).ToByteArray();

                // One in five is sent as drawn (boundary values only), the rest mutated.
                var (body, kind) = i % 5 == 0 ? (RawGrpcClient.Frame(message), "values") : mutator.Mutate(message);
                if (method.EndsWith("/KeepAlive", StringComparison.Ordinal) && i % 7 == 3)
                {
                    // A bad message between two good renewals on one stream.
                    var good = RawGrpcClient.Frame(new KeepAliveRequest { Namespace = FuzzCorpus.FuzzNamespace, LeaseId = 1 }.ToByteArray());
                    (body, kind) = ([.. good, .. body, .. good], "sandwich:" + kind);
                }

                cases.Add(new FuzzCase(method, i, kind, body, method == FuzzCorpus.MetadataMethod ? providerUrl : registry.Url));
            }
        }

        using var registryRaw = new RawGrpcClient(registry.Url);
        using var providerRaw = new RawGrpcClient(providerUrl);
        using var budget = new CancellationTokenSource(s_budget);
        var results = new ConcurrentBag<(FuzzCase Case, RawOutcome Outcome)>();
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (c, _) =>
        {
            if (budget.IsCancellationRequested)
            {
                return;
            }

            var watch = c.Method.EndsWith("/Watch", StringComparison.Ordinal);
            var timeout = watch ? "300m" : c.Method.EndsWith("/KeepAlive", StringComparison.Ordinal) ? "2S" : "5S";
            using var callCts = new CancellationTokenSource(TestTimeouts.Call);
            var outcome = await (c.Url == registry.Url ? registryRaw : providerRaw).CallAsync(c.Method, c.Body, timeout, watch, callCts.Token);
            results.Add((c, outcome));
        });
        clock.Stop();

        // Summary: counts per method and status, then every input that broke a rule.
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"fuzz seed {Seed}: {results.Count} of {cases.Count} cases in {clock.Elapsed.TotalSeconds:F1} s (budget {s_budget.TotalSeconds} s)");
        foreach (var group in results.GroupBy(r => r.Case.Method).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var counts = group.GroupBy(r => r.Outcome.Label).OrderByDescending(g => g.Count()).Select(g => $"{g.Key}={g.Count()}");
            report.AppendLine(CultureInfo.InvariantCulture, $"  {group.Key,-58} {string.Join(" ", counts)}");
        }

        report.AppendLine("  by mutation (all methods):");
        foreach (var group in results.GroupBy(r => r.Case.Kind.Split(':')[^1]).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var counts = group.GroupBy(r => r.Outcome.Label).OrderByDescending(g => g.Count()).Select(g => $"{g.Key}={g.Count()}");
            report.AppendLine(CultureInfo.InvariantCulture, $"    {group.Key,-24} {string.Join(" ", counts)}");
        }

        var unknown = results.Where(r => r.Outcome.Status == 2).OrderBy(r => r.Case.Method, StringComparer.Ordinal).ThenBy(r => r.Case.Index).ToList();
        var noStatus = results.Where(r => r.Outcome.Status is null && !r.Outcome.Detail.StartsWith(RawGrpcClient.ResetAfterDeadline, StringComparison.Ordinal)).OrderBy(r => r.Case.Method, StringComparer.Ordinal).ThenBy(r => r.Case.Index).ToList();
        report.AppendLine(CultureInfo.InvariantCulture, $"UNKNOWN: {unknown.Count}; by method and mutation:");
        foreach (var group in unknown.GroupBy(r => (r.Case.Method, Kind: r.Case.Kind.Split(':')[^1])).OrderBy(g => g.Key.Method, StringComparer.Ordinal).ThenBy(g => g.Key.Kind, StringComparer.Ordinal))
        {
            var first = group.First();
            report.AppendLine(CultureInfo.InvariantCulture, $"  {group.Key.Method} {group.Key.Kind}: {group.Count()} (e.g. case {first.Case.Index}: {first.Case.Hex} -> {first.Outcome.Detail})");
        }

        report.AppendLine(CultureInfo.InvariantCulture, $"no grpc-status: {noStatus.Count}");
        foreach (var (c, outcome) in noStatus.Take(20))
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"  {c.Method} case {c.Index} {c.Kind}: {c.Hex} -> {outcome.Detail}");
        }

        output.WriteLine(report.ToString());

        // After: both processes alive and serving, the control state and the provider's metadata as before.
        var failures = new List<string>();
        if (!await registry.IsServingAsync())
        {
            failures.Add("the registry is not serving after the fuzz: " + (registry.Process.HasExited ? $"exited {registry.Process.ExitCode}" : "health check failed"));
        }

        if (_provider!.Process.HasExited)
        {
            failures.Add($"the provider exited with {_provider.Process.ExitCode}");
        }

        var controlAfter = await SnapshotControlAsync(registry);
        if (controlAfter != controlBefore)
        {
            failures.Add($"the control namespace changed:{Environment.NewLine}before: {controlBefore}{Environment.NewLine}after:  {controlAfter}");
        }

        var metadataAfter = (await metadata.GetMetadataInfoAsync(new GetMetadataInfoRequest { Revision = provider.Revision }, deadline: DateTime.UtcNow + TestTimeouts.Call)).ToByteArray();
        if (!metadataAfter.AsSpan().SequenceEqual(metadataBefore))
        {
            failures.Add("the provider's metadata changed");
        }

        // Still serves a legitimate write and read.
        await registry.Client.RegisterAsync(new RegisterRequest { Namespace = FuzzCorpus.FuzzNamespace, Instance = new Instance { App = "after", InstanceId = "a", Host = "127.0.0.1", Port = 1, Revision = "0" } }, deadline: DateTime.UtcNow + TestTimeouts.Call);
        var after = await registry.Client.ListInstancesAsync(new ListInstancesRequest { Namespace = FuzzCorpus.FuzzNamespace, App = "after" }, deadline: DateTime.UtcNow + TestTimeouts.Call);
        if (after.Instances.Count != 1)
        {
            failures.Add("a registration after the fuzz is not listed");
        }

        if (unknown.Count > 0)
        {
            failures.Add($"{unknown.Count} inputs answered UNKNOWN (see the summary above)");
        }

        if (noStatus.Count > 0)
        {
            failures.Add($"{noStatus.Count} inputs got no grpc-status (see the summary above)");
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures) + Environment.NewLine + report);
    }

    /// <summary>The control namespace as ListApps, ListInstances and LookupService show it, registry revisions left out (the fuzz writes elsewhere).</summary>
    private static async Task<string> SnapshotControlAsync(RegistryProcess registry)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Call;
        var apps = await registry.Client.ListAppsAsync(new ListAppsRequest { Namespace = FuzzCorpus.ControlNamespace }, deadline: deadline);
        apps.Revision = 0;
        var text = new StringBuilder(apps.ToString());
        foreach (var app in new[] { "ctl-app", "ctl-app2" })
        {
            var instances = await registry.Client.ListInstancesAsync(new ListInstancesRequest { Namespace = FuzzCorpus.ControlNamespace, App = app }, deadline: deadline);
            instances.Revision = 0;
            text.Append(instances);
        }

        var lookup = await registry.Client.LookupServiceAsync(new LookupServiceRequest { Namespace = FuzzCorpus.ControlNamespace, Service = "greet.Greeter" }, deadline: deadline);
        lookup.Revision = 0;
        text.Append(lookup);
        return text.ToString();
    }

    private sealed record FuzzCase(string Method, int Index, string Kind, byte[] Body, string Url)
    {
        public string Hex => Convert.ToHexString(Body.AsSpan(0, Math.Min(Body.Length, 40))) + (Body.Length > 40 ? $"…({Body.Length} B)" : "");
    }
}
