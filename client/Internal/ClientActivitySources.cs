using System.Diagnostics;
using Grpc.Core;

namespace Introspection.Client.Internal;

/// <summary>
/// The client's and the registrar's activity sources, process-wide like every <see cref="ActivitySource"/> (a
/// listener subscribes by name). Spans start only where work is rare and worth a trace: metadata fetches,
/// registrations, Watch connects, registry failovers; never on the resolve path.
/// </summary>
internal static class ClientActivitySources
{
    private static readonly string? s_version = typeof(ClientActivitySources).Assembly.GetName().Version?.ToString();

    public static readonly ActivitySource Client = new(IntrospectionClientTelemetry.ActivitySourceName, s_version);

    public static readonly ActivitySource Registrar = new(IntrospectionRegistrarTelemetry.ActivitySourceName, s_version);

    /// <summary>Span names (the operation, low cardinality; details go in attributes).</summary>
    public const string MetadataFetch = "introspection.metadata.fetch";
    public const string WatchConnect = "introspection.watch.connect";
    public const string RegistryFailover = "introspection.registry.failover";
    public const string Register = "introspection.register";

    /// <summary>Marks <paramref name="activity"/> failed with <paramref name="exception"/> (status, <c>error.type</c> and an exception event).</summary>
    public static void SetError(this Activity? activity, Exception exception)
    {
        if (activity is null)
        {
            return;
        }

        var type = exception is RpcException rpc ? rpc.StatusCode.ToString() : exception.GetType().FullName;
        activity.SetStatus(ActivityStatusCode.Error, exception.Message);
        activity.SetTag(TelemetryTags.ErrorType, type);
        activity.AddException(exception);
    }

    /// <summary>Sets <c>server.address</c>/<c>server.port</c>.</summary>
    public static void SetServer(this Activity activity, string host, int port)
    {
        activity.SetTag(TelemetryTags.ServerAddress, host);
        activity.SetTag(TelemetryTags.ServerPort, port);
    }
}
