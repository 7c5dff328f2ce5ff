using Greeter.Contracts;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Introspection.Provider;
using Introspection.Protocol.Metadata.V1;
using Introspection.Protocol.Registry.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Introspection.Client.Tests.Infrastructure;

/// <summary>
/// A real provider in process: Kestrel on loopback port 0 (HTTP/2), greet.Greeter mapped, the provider library
/// (AddIntrospectionProvider + MapIntrospectionMetadata) registering it. Counts the calls it serves.
/// </summary>
public sealed class TestProvider : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private TestProvider(WebApplication app, string instanceId, ProviderCounters counters)
    {
        _app = app;
        InstanceId = instanceId;
        Counters = counters;
        Port = new Uri(app.Urls.First()).Port;
    }

    public string InstanceId { get; }

    public int Port { get; }

    public ProviderCounters Counters { get; }

    public static async Task<TestProvider> StartAsync(
        string registry,
        string instanceId,
        string app = "greeter",
        string? greeterVersion = null,
        bool tamperMetadata = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(e => e.Protocols = HttpProtocols.Http2));
        builder.Logging.ClearProviders();
        var counters = new ProviderCounters();
        builder.Services.AddSingleton(counters);
        builder.Services.AddGrpc(o =>
        {
            if (tamperMetadata)
            {
                o.Interceptors.Add<TamperingInterceptor>();
            }
        });
        builder.Services.AddIntrospectionProvider(o =>
        {
            o.App = app;
            o.InstanceId = instanceId;
            o.Registries.Add(registry);
            o.LeaseTtl = TimeSpan.FromSeconds(1.5);
            o.StartupTimeout = TimeSpan.FromSeconds(10);
            o.RegistryCallTimeout = TimeSpan.FromSeconds(2);
            o.PropagationDelay = TimeSpan.FromMilliseconds(200);
            o.ShutdownTimeout = TimeSpan.FromSeconds(5);
            if (greeterVersion is not null)
            {
                o.Services["greet.Greeter"] = new IntrospectionServiceOptions { Version = greeterVersion };
            }
        });

        var web = builder.Build();
        web.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/introspection.metadata.v1.MetadataService", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref counters.MetadataCalls);
            }

            await next(context);
        });
        web.MapGrpcService<TestGreeterService>();
        web.MapIntrospectionMetadata();
        await web.StartAsync().WaitAsync(TestTimeouts.Start);
        return new TestProvider(web, instanceId, counters);
    }

    /// <summary>Waits until the registry lists this instance (the provider registers after it started listening).</summary>
    public async Task WaitRegisteredAsync(RegistryHost registry, string app = "greeter")
    {
        await Poll.UntilAsync(async () =>
        {
            var list = await registry.Client.ListInstancesAsync(new ListInstancesRequest { App = app });
            return list.Instances.Any(i => i.InstanceId == InstanceId);
        }, $"{InstanceId} is registered");
    }

    /// <summary>Graceful stop: deregister, drain, stop.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await _app.StopAsync().WaitAsync(TestTimeouts.Stop);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
    }

    public sealed class ProviderCounters
    {
        public int GreeterCalls;
        public int MetadataCalls;
    }

    private sealed class TestGreeterService(ProviderCounters counters, IOptions<IntrospectionProviderOptions> options) : Greeter.Contracts.Greeter.GreeterBase
    {
        public override Task<HelloReply> SayHello(HelloRequest request, ServerCallContext context)
        {
            Interlocked.Increment(ref counters.GreeterCalls);
            return Task.FromResult(new HelloReply { Message = "Hello " + request.Name, Instance = options.Value.InstanceId });
        }
    }

    /// <summary>
    /// Makes this provider answer with the metadata of another revision (self-consistent: it hashes to the revision it
    /// claims), as a provider serving its next build's metadata for an old revision would.
    /// </summary>
    private sealed class TamperingInterceptor : Interceptor
    {
        public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
        {
            var response = await continuation(request, context);
            if (response is MetadataInfo info)
            {
                var forged = info.Clone();
                forged.Services.Add(new ServiceInfo { Name = "evil.Backdoor", Protocol = "grpc" });
                forged.Revision = Protocol.MetadataRevision.Compute(forged);
                return (TResponse)(object)forged;
            }

            return response;
        }
    }
}
