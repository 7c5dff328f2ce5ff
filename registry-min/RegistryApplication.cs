using Microsoft.Extensions.Configuration.Memory;

namespace Introspection.Registry;

/// <summary>
/// Builds the registry web application. <c>Program</c> runs it; tests and benchmarks build it
/// in-process (Kestrel on a loopback port 0) with the same code path.
/// </summary>
/// <example>
/// <code>
/// await using var app = RegistryApplication.Build(["--urls", "http://127.0.0.1:0", "--Registry:Leases:MinTtl=00:00:01"]);
/// await app.StartAsync();
/// var address = app.Urls.First(); // the bound port, not 0
/// </code>
/// </example>
public static class RegistryApplication
{
    /// <summary>The address used when nothing configures one.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5300";

    /// <summary>
    /// Builds the registry from appsettings.json, environment variables and <paramref name="args"/>
    /// (later wins), e.g. <c>--urls http://0.0.0.0:5300 --Registry:Leases:DefaultTtl=00:00:10</c>.
    /// </summary>
    public static WebApplication Build(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var builder = WebApplication.CreateBuilder(args);

        // Defaults below every other source, so the registry speaks gRPC over cleartext HTTP/2 on
        // loopback even when started from a directory without its appsettings.json (tests of other
        // projects, a published binary run from elsewhere).
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Urls"] = DefaultUrl,
                ["Kestrel:EndpointDefaults:Protocols"] = "Http2",
            },
        });

        builder.Services.AddIntrospectionRegistry();
        var app = builder.Build();
        app.MapIntrospectionRegistry();
        return app;
    }
}
