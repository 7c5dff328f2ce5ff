using System.Globalization;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration.Memory;

namespace Introspection.Registry;

/// <summary>
/// Builds the registry web application of the host: the library (<c>AddIntrospectionRegistry</c>) with
/// both stores available, <c>Introspection:Registry:Store</c> choosing one. <c>Program</c> runs it; tests
/// and benchmarks build it in-process (Kestrel on a loopback port 0) with the same code path.
/// </summary>
/// <example>
/// <code>
/// await using var app = RegistryApplication.Build(["--urls", "http://127.0.0.1:0", "--Introspection:Registry:Leases:MinTtl=00:00:01"]);
/// await app.StartAsync();
/// var address = app.Urls.First(); // the bound port, not 0
/// </code>
/// </example>
public static partial class RegistryApplication
{
    /// <summary>The section the registry read before it moved under <c>Introspection:Registry</c>.</summary>
    private const string LegacySectionName = "Registry";

    /// <summary>
    /// The default of <c>Kestrel:Limits:Http2:MaxStreamsPerConnection</c> (Kestrel's own is 100). Clients
    /// multiplex every Watch and KeepAlive stream of a process on one connection and hold them open; at
    /// 100 the 101st waits for a free slot, i.e. hangs. The cost of an open stream is its state and the
    /// watcher behind it, not buffered bodies: unread request data is capped per connection by
    /// Kestrel's connection window, whatever the stream count.
    /// </summary>
    public const int DefaultMaxStreamsPerConnection = 4096;

    /// <summary>The log level setting of grpc-dotnet's per-call category.</summary>
    private const string GrpcCallHandlerLogLevelKey = "Logging:LogLevel:Grpc.AspNetCore.Server.ServerCallHandler";

    /// <summary>The address used when nothing configures one.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5300";

    /// <summary>
    /// Builds the registry from appsettings.json, environment variables and <paramref name="args"/>
    /// (later wins), e.g. <c>--urls http://0.0.0.0:5300 --Introspection:Registry:Leases:DefaultTtl=00:00:10</c>.
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
                ["Kestrel:Limits:Http2:MaxStreamsPerConnection"] = DefaultMaxStreamsPerConnection.ToString(CultureInfo.InvariantCulture),
                // grpc-dotnet logs every unreadable request message at Information with its exception
                // (ErrorReadingMessage): a stack trace per malformed request. The registry logs those
                // itself, rate-limited (EventId 120); warnings and errors of the category still show.
                [GrpcCallHandlerLogLevelKey] = "Warning",
            },
        });

        // Kestrel itself reads only Endpoints, EndpointDefaults and Certificates from its section
        // (KestrelConfigurationLoader); its Limits are options set in code, so
        // --Kestrel:Limits:Http2:MaxStreamsPerConnection=... was silently ignored. Bound here, so every
        // Kestrel:Limits key works as Kestrel users expect, the registry's defaults above included.
        var configuration = builder.Configuration;
        builder.Services.AddOptions<KestrelServerOptions>().Configure(o => configuration.GetSection("Kestrel:Limits").Bind(o.Limits));

        builder.Services.AddIntrospectionRegistry();
        // Registered always, loaded only when Introspection:Registry:Store=redis resolves it.
        builder.Services.AddIntrospectionRegistryRedisStore();
        RegistryTelemetrySetup.AddPrometheus(builder);
        var app = builder.Build();
        WarnAboutLegacySection(app);
        app.MapIntrospectionRegistry();
        RegistryTelemetrySetup.MapPrometheus(app);
        // Answers only while Introspection:Registry:Dashboard:Enabled allows (default: every listen address is loopback).
        app.MapIntrospectionDashboard();
        return app;
    }

    private static void WarnAboutLegacySection(WebApplication app)
    {
        // The old section is not bound (one scheme, Introspection:*, for every part), but an old
        // command line or appsettings.json must not be ignored silently: a registry started with
        // --Registry:Store=redis would otherwise run on the memory store without a word.
        var legacy = app.Configuration.GetSection(LegacySectionName);
        if (legacy.GetChildren().Any())
        {
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Introspection.Registry.Host");
            Log.LegacySectionIgnored(logger, LegacySectionName, RegistryOptions.SectionName);
        }
    }
}
