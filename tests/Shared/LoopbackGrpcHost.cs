using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Introspection.Testing;

/// <summary>
/// One gRPC service instance over real HTTP/2 (plaintext) on a free loopback port: the host of the test servers
/// that misbehave on purpose (a registry answering broken compact refs or holding MapService at a gate, a
/// metadata endpoint serving content that does not hash to its revision).
/// </summary>
public static class LoopbackGrpcHost
{
    /// <summary>Starts <paramref name="service"/> (resolved as a singleton) and returns the host and its <c>http://127.0.0.1:port</c> address.</summary>
    public static async Task<(WebApplication App, string Url)> StartAsync<TService>(TService service)
        where TService : class
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(service);
        var app = builder.Build();
        app.MapGrpcService<TService>();
        await app.StartAsync().WaitAsync(TestTimeouts.Start);
        return (app, app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
    }
}
