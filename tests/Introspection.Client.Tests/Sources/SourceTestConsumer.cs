using Greeter.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Introspection.Client.Tests.Infrastructure;

namespace Introspection.Client.Tests.Sources;

/// <summary>A consumer host as an app would write it, with gRPC clients for both greet.Greeter and greet.Farewell over introspect:///.</summary>
internal sealed class SourceTestConsumer : IAsyncDisposable
{
    private readonly IHost _host;

    private SourceTestConsumer(IHost host)
    {
        _host = host;
        Client = host.Services.GetRequiredService<IntrospectionClient>();
        Greeter = host.Services.GetRequiredService<Greeter.Contracts.Greeter.GreeterClient>();
        Farewell = host.Services.GetRequiredService<Farewell.FarewellClient>();
    }

    public IntrospectionClient Client { get; }

    public Greeter.Contracts.Greeter.GreeterClient Greeter { get; }

    public Farewell.FarewellClient Farewell { get; }

    public static async Task<SourceTestConsumer> StartAsync(Action<IntrospectionClientOptions> configure)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.ClearProviders();
        builder.Services.AddIntrospectionClient(o =>
        {
            o.SnapshotPath = TestClients.NewSnapshotPath();
            o.SnapshotDebounce = TimeSpan.FromMilliseconds(50);
            o.ResolveTimeout = TimeSpan.FromSeconds(5);
            o.RegistryCallTimeout = TimeSpan.FromSeconds(2);
            o.RegistryRetryInitialBackoff = TimeSpan.FromMilliseconds(50);
            o.RegistryRetryMaxBackoff = TimeSpan.FromMilliseconds(500);
            configure(o);
        });
        builder.Services.AddGrpcClient<Greeter.Contracts.Greeter.GreeterClient>(o => o.Address = new Uri("introspect:///greet.Greeter"));
        builder.Services.AddGrpcClient<Farewell.FarewellClient>(o => o.Address = new Uri("introspect:///greet.Farewell"));
        var host = builder.Build();
        try
        {
            await host.StartAsync().WaitAsync(TestTimeouts.Start);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new SourceTestConsumer(host);
    }

    /// <summary>Calls greet.Greeter once; returns the instance that answered.</summary>
    public async Task<string> GreetAsync()
    {
        var reply = await Greeter.SayHelloAsync(new HelloRequest { Name = "dns" }, deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync.WaitAsync(TestTimeouts.Call);
        return reply.Instance;
    }

    /// <summary>Calls greet.Farewell once; returns the instance that answered.</summary>
    public async Task<string> FarewellAsync()
    {
        var reply = await Farewell.SayGoodbyeAsync(new HelloRequest { Name = "dns" }, deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync.WaitAsync(TestTimeouts.Call);
        return reply.Instance;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync().WaitAsync(TestTimeouts.Stop);
        _host.Dispose();
    }
}
