using Greeter.Contracts;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Introspection.Provider;
using Introspection.Protocol.Metadata.V1;
using Introspection.Protocol.Registry.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Introspection.Client.Tests.Infrastructure;

/// <summary>
/// A real provider in process: Kestrel on loopback port 0 (HTTP/2), greet.Greeter mapped, the provider library
/// (AddIntrospectionProvider + MapIntrospectionMetadata) registering it. Counts the calls it serves.
/// </summary>
public sealed class TestProvider : IAsyncDisposable
{
    private readonly ProviderHost _host;

    private TestProvider(ProviderHost host, string instanceId, ProviderCounters counters)
    {
        _host = host;
        InstanceId = instanceId;
        Counters = counters;
    }

    public string InstanceId { get; }

    public int Port => _host.Port;

    public ProviderCounters Counters { get; }

    public static async Task<TestProvider> StartAsync(
        string registry,
        string instanceId,
        string app = "greeter",
        string? greeterVersion = null,
        bool tamperMetadata = false)
    {
        var counters = new ProviderCounters();
        var host = await ProviderHost.StartAsync(
            app,
            o =>
            {
                o.InstanceId = instanceId;
                o.Registries.Add(registry);
                o.PropagationDelay = TimeSpan.FromMilliseconds(200);
                o.ShutdownTimeout = TimeSpan.FromSeconds(5);
                if (greeterVersion is not null)
                {
                    o.Services["greet.Greeter"] = new IntrospectionServiceOptions { Version = greeterVersion };
                }
            },
            services =>
            {
                services.AddSingleton(counters);
                if (tamperMetadata)
                {
                    services.AddGrpc(o => o.Interceptors.Add<TamperingInterceptor>());
                }
            },
            web =>
            {
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
            });
        return new TestProvider(host, instanceId, counters);
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
    public Task StopAsync() => _host.StopAsync();

    public ValueTask DisposeAsync() => _host.DisposeAsync();

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
