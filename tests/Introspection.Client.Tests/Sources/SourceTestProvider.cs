using System.Net;
using Greeter.Contracts;
using Grpc.Core;
using Introspection.Provider;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Introspection.Client.Tests.Sources;

/// <summary>
/// A real provider (ProviderHost) serving greet.Greeter and greet.Farewell, both answering with its instance id, so a
/// test sees which instance a call of either service reached. Registers with <c>registries</c> (none: it only serves);
/// <c>listen</c> pins the address it listens on (a DNS test needs two providers on one port, on 127.0.0.1 and ::1).
/// </summary>
internal sealed class SourceTestProvider : IAsyncDisposable
{
    private readonly ProviderHost _host;

    private SourceTestProvider(ProviderHost host, string instanceId)
    {
        _host = host;
        InstanceId = instanceId;
    }

    public string InstanceId { get; }

    public int Port => _host.Port;

    public static async Task<SourceTestProvider> StartAsync(string app, string instanceId, IEnumerable<string>? registries = null, IPEndPoint? listen = null)
    {
        var host = await ProviderHost.StartAsync(
            app,
            o =>
            {
                o.InstanceId = instanceId;
                foreach (var registry in registries ?? [])
                {
                    o.Registries.Add(registry);
                }
            },
            services =>
            {
                if (listen is not null)
                {
                    // Explicit Kestrel endpoints replace the host's 127.0.0.1:0 URL.
                    services.Configure<KestrelServerOptions>(k => k.Listen(listen, l => l.Protocols = HttpProtocols.Http2));
                }
            },
            web =>
            {
                web.MapGrpcService<GreeterService>();
                web.MapGrpcService<FarewellService>();
                web.MapIntrospectionMetadata();
            });
        return new SourceTestProvider(host, instanceId);
    }

    public Task StopAsync() => _host.StopAsync();

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private sealed class GreeterService(IOptions<IntrospectionProviderOptions> options) : Greeter.Contracts.Greeter.GreeterBase
    {
        public override Task<HelloReply> SayHello(HelloRequest request, ServerCallContext context) =>
            Task.FromResult(new HelloReply { Message = "Hello " + request.Name, Instance = options.Value.InstanceId });
    }

    private sealed class FarewellService(IOptions<IntrospectionProviderOptions> options) : Farewell.FarewellBase
    {
        public override Task<HelloReply> SayGoodbye(HelloRequest request, ServerCallContext context) =>
            Task.FromResult(new HelloReply { Message = "Bye " + request.Name, Instance = options.Value.InstanceId });
    }
}
