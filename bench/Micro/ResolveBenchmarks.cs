using BenchmarkDotNet.Attributes;
using Introspection.Bench.Infrastructure;
using Introspection.Bench.Load;
using Introspection.Client;
using Introspection.Protocol.Registry.V1;
using Introspection.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Introspection.Bench.Micro;

/// <summary>
/// Resolving a service from the client's cached view (what a channel's resolver does on every
/// refresh): a real registry and a real metadata endpoint on loopback, 100 instances of one app,
/// resolved once to fill the view; the benchmark then measures the in-memory answer.
/// </summary>
public class ResolveBenchmarks
{
    private WebApplication? _registry;
    private MetadataServerPool? _metadata;
    private IntrospectionClient? _client;
    private string _service = "";

    /// <summary>Starts registry, metadata endpoint and client, and resolves once.</summary>
    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    /// <summary>Stops everything.</summary>
    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    /// <summary>Resolves the service from the cached view.</summary>
    [Benchmark]
    public int Resolve() => _client!.ResolveAsync(_service).AsTask().GetAwaiter().GetResult().Count;

    private async Task SetupAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ct = timeout.Token;
        _registry = RegistryApplication.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"]);
        await _registry.StartAsync(ct).ConfigureAwait(false);
        var address = _registry.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        var scenario = new ScenarioCatalog(new LoadOptions { Apps = 1, ServicesPerApp = 10, ParamsPerService = 20 });
        var info = scenario.Metadata(0, 1);
        var catalog = new MetadataCatalog();
        catalog.Add(info);
        // Distinct addresses: the client answers one endpoint per address.
        _metadata = await MetadataServerPool.StartAsync(1, catalog, ct, listenersPerServer: 100).ConfigureAwait(false);

        using var channel = GrpcChannels.Create(new Uri(address));
        var registry = new Introspection.Protocol.Registry.V1.Registry.RegistryClient(channel);
        var map = new MapServiceRequest { App = info.App };
        map.Services.Add(info.Services.Select(s => s.Name));
        await registry.MapServiceAsync(map, cancellationToken: ct).ConfigureAwait(false);
        for (var i = 0; i < 100; i++)
        {
            // The longest lease the registry grants by default: the benchmark runs without renewals.
            await registry.RegisterAsync(
                new RegisterRequest { Instance = new Instance { App = info.App, InstanceId = $"i{i}", Host = _metadata.Endpoints[i].Host, Port = _metadata.Endpoints[i].Port, Revision = info.Revision }, TtlMs = 300_000 },
                cancellationToken: ct).ConfigureAwait(false);
        }

        var options = new IntrospectionClientOptions { EnableSnapshot = false };
        options.Registries.Add(address);
        _client = new IntrospectionClient(Options.Create(options));
        await _client.StartAsync(ct).ConfigureAwait(false);
        _service = info.Services[3].Name;
        var endpoints = await _client.ResolveAsync(_service, ct).ConfigureAwait(false);
        if (endpoints.Count != 100)
        {
            throw new InvalidOperationException($"expected 100 endpoints, resolved {endpoints.Count}");
        }
    }

    private async Task CleanupAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync().ConfigureAwait(false);
        }

        if (_metadata is not null)
        {
            await _metadata.DisposeAsync().ConfigureAwait(false);
        }

        if (_registry is not null)
        {
            await _registry.StopAsync().ConfigureAwait(false);
            await _registry.DisposeAsync().ConfigureAwait(false);
        }
    }
}
