using Grpc.Core;
using Introspection.Client.Internal;
using Introspection.Protocol;
using Introspection.Protocol.Registry.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Org.Apache.Dubbo.Metadata;

namespace Introspection.Client.Tests.Dubbo;

/// <summary>
/// A provider that speaks only Dubbo: a real Kestrel server (loopback, HTTP/2) serving greet.Greeter and
/// MetadataServiceV2 the way a Dubbo 3.3 Java provider does (its own 32-hex revision as the key, Dubbo's match keys,
/// port and path filled in). There is no Java here to run the real thing; the wire contract is Dubbo's own proto.
/// It is registered in our registry as a bridge would: our revision (computed over the converted content) plus the
/// Dubbo labels that name its own revision.
/// </summary>
public sealed class DubboStyleProvider : IAsyncDisposable
{
    public const string App = "dubbo-greeter";

    /// <summary>
    /// Dubbo Java's MD5 revision of what this provider serves, as a Java provider computes it (it hashes the port,
    /// which is only known once Kestrel listens). The algorithm is pinned to the published vectors by
    /// <see cref="DubboJavaRevisionTests"/>.
    /// </summary>
    public string DubboRevision { get; private set; } = null!;

    private readonly WebApplication _web;

    private DubboStyleProvider(WebApplication web, CallLog calls)
    {
        _web = web;
        Calls = calls;
        Port = new Uri(web.Urls.First()).Port;
    }

    public int Port { get; }

    public CallLog Calls { get; }

    /// <param name="tamper">Serve a parameter value other than the one the registered revision was computed over.</param>
    public static async Task<DubboStyleProvider> StartAsync(bool tamper = false)
    {
        var calls = new CallLog();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(e => e.Protocols = HttpProtocols.Http2));
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(calls);
        builder.Services.AddSingleton(new DubboGreeterService("dubbo-1"));
        builder.Services.AddSingleton(new Holder());
        var web = builder.Build();
        web.MapGrpcService<DubboGreeterService>();
        web.MapGrpcService<JavaStyleMetadataService>();
        await web.StartAsync().WaitAsync(TestTimeouts.Start);
        var provider = new DubboStyleProvider(web, calls);
        var served = Metadata(provider.Port);
        served.Version = provider.DubboRevision = DubboJavaRevision.Compute(served);
        web.Services.GetRequiredService<Holder>().Served = served;
        if (tamper)
        {
            var hashed = served.Clone();
            hashed.Services["greet.Greeter:1.0:tri"].Params["timeout"] = "1000";
            provider.Registered = hashed;
        }
        else
        {
            provider.Registered = served;
        }

        return provider;
    }

    /// <summary>The metadata our revision is computed over.</summary>
    public MetadataInfoV2 Registered { get; private set; } = null!;

    /// <summary>Our revision of <see cref="Registered"/> (what a bridge registers).</summary>
    public string Revision(Instance instance) => MetadataRevision.Compute(DubboMetadataConversion.ToMetadataInfo(Registered, instance, "unused"));

    /// <summary>Registers this provider in <paramref name="registry"/> with Dubbo's labels, as a bridge would.</summary>
    public async Task RegisterAsync(RegistryHost registry)
    {
        var instance = new Instance { App = App, InstanceId = "dubbo-1", Host = "127.0.0.1", Port = Port };
        instance.Revision = Revision(instance);
        instance.Labels["meta-v"] = "2.0.0";
        instance.Labels["dubbo.metadata.storage-type"] = "local";
        instance.Labels["dubbo.metadata.revision"] = DubboRevision;
        await registry.Client.RegisterAsync(new RegisterRequest { Instance = instance, TtlMs = 300_000 }).ResponseAsync.WaitAsync(TestTimeouts.Call);
        var map = new MapServiceRequest { App = App };
        map.Services.Add("greet.Greeter");
        await registry.Client.MapServiceAsync(map).ResponseAsync.WaitAsync(TestTimeouts.Call);
    }

    public async ValueTask DisposeAsync()
    {
        await _web.StopAsync().WaitAsync(TestTimeouts.Long);
        await _web.DisposeAsync();
    }

    private static MetadataInfoV2 Metadata(int port)
    {
        var info = new MetadataInfoV2 { App = App };
        var greeter = new ServiceInfoV2 { Name = "greet.Greeter", Version = "1.0", Protocol = "tri", Port = port, Path = "greet.Greeter" };
        greeter.Params.Add(new Dictionary<string, string> { ["methods"] = "SayHello", ["timeout"] = "3000", ["side"] = "provider" });
        info.Services["greet.Greeter:1.0:tri"] = greeter;
        return info;
    }

    /// <summary>What MetadataServiceV2 calls this provider received (revision, tri-service-group, tri-service-version).</summary>
    public sealed class CallLog
    {
        private readonly List<(string Revision, string? Group, string? Version)> _calls = [];

        public IReadOnlyList<(string Revision, string? Group, string? Version)> Snapshot()
        {
            lock (_calls)
            {
                return [.. _calls];
            }
        }

        public void Add(string revision, string? group, string? version)
        {
            lock (_calls)
            {
                _calls.Add((revision, group, version));
            }
        }
    }

    private sealed class Holder
    {
        public MetadataInfoV2 Served { get; set; } = new();
    }

    /// <summary>Answers like Dubbo 3.3's MetadataServiceDelegationV2: the metadata for its own revision, an error otherwise.</summary>
    private sealed class JavaStyleMetadataService(Holder holder, CallLog calls) : MetadataServiceV2.MetadataServiceV2Base
    {
        public override Task<MetadataInfoV2> GetMetadataInfo(MetadataRequest request, ServerCallContext context)
        {
            calls.Add(request.Revision, context.RequestHeaders.GetValue("tri-service-group"), context.RequestHeaders.GetValue("tri-service-version"));
            if (request.Revision != holder.Served.Version)
            {
                throw new RpcException(new Status(StatusCode.NotFound, "metadataV2 not found for revision " + request.Revision));
            }

            return Task.FromResult(holder.Served);
        }
    }
}
