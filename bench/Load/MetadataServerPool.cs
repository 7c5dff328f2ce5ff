using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Introspection.Bench.Load;

/// <summary>Kestrel servers hosting <see cref="MetadataCatalogService"/> on 127.0.0.2, 127.0.0.3, ... (one each).</summary>
internal sealed class MetadataServerPool : IAsyncDisposable
{
    private readonly List<WebApplication> _apps = [];

    private MetadataServerPool(MetadataCatalog catalog)
    {
        Catalog = catalog;
    }

    public MetadataCatalog Catalog { get; }

    public IReadOnlyList<(string Host, int Port)> Endpoints { get; private set; } = [];

    public static async Task<MetadataServerPool> StartAsync(int count, MetadataCatalog catalog, CancellationToken ct, int listenersPerServer = 1)
    {
        var pool = new MetadataServerPool(catalog);
        var endpoints = new List<(string, int)>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var address = IPAddress.Parse($"127.0.0.{2 + i}");
                var builder = WebApplication.CreateSlimBuilder();
                builder.Logging.ClearProviders();
                builder.Services.AddSingleton(catalog);
                builder.Services.AddGrpc();
                builder.WebHost.ConfigureKestrel(k =>
                {
                    for (var l = 0; l < listenersPerServer; l++)
                    {
                        k.Listen(address, 0, o => o.Protocols = HttpProtocols.Http2);
                    }
                });
                var app = builder.Build();
                app.MapGrpcService<MetadataCatalogService>();
                await app.StartAsync(ct).ConfigureAwait(false);
                pool._apps.Add(app);
                foreach (var bound in app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses)
                {
                    endpoints.Add((address.ToString(), new Uri(bound).Port));
                }
            }
        }
        catch
        {
            await pool.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        pool.Endpoints = endpoints;
        return pool;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }

        _apps.Clear();
    }
}
