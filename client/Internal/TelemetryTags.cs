namespace Introspection.Client.Internal;

/// <summary>
/// The attribute names of the client's and registrar's spans and metrics: one name per idea, all under the
/// <c>introspection.</c> prefix (OpenTelemetry's system-specific attribute rule), the same names the registry and
/// the provider use. docs/telemetry.md lists them with their values.
/// </summary>
internal static class TelemetryTags
{
    public const string Namespace = "introspection.namespace";
    public const string App = "introspection.app";
    public const string InstanceId = "introspection.instance.id";
    public const string Revision = "introspection.revision";

    /// <summary>How an operation ended: <c>success</c>, <c>error</c>, <c>rejected</c>, <c>hit</c>, <c>miss</c>, ….</summary>
    public const string Result = "introspection.result";

    /// <summary>The registry address a call went to (the node of the registry entry in use).</summary>
    public const string RegistryAddress = "introspection.registry.address";

    /// <summary>Why a registration happened: <c>initial</c> or <c>lease_lost</c> (the registry answered NOT_FOUND).</summary>
    public const string RegistrationReason = "introspection.registration.reason";

    /// <summary>How a Watch stream starts: <c>snapshot</c> or <c>resume</c>.</summary>
    public const string WatchMode = "introspection.watch.mode";

    /// <summary>The kind of a Watch message: <c>snapshot</c> or <c>delta</c>.</summary>
    public const string WatchKind = "introspection.watch.kind";

    /// <summary>The registry revision a Watch resumes after.</summary>
    public const string WatchSinceRevision = "introspection.watch.since_revision";

    /// <summary>How many apps a Watch stream covers.</summary>
    public const string WatchAppCount = "introspection.watch.app_count";

    /// <summary>The semantic-convention attribute for the class of an error (exception type or gRPC status).</summary>
    public const string ErrorType = "error.type";

    public const string ServerAddress = "server.address";
    public const string ServerPort = "server.port";
}
