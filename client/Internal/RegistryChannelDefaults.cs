using Microsoft.Extensions.Logging;

namespace Introspection.Client.Internal;

/// <summary>
/// One side's channel settings (the discovery client's or the registrar's): they differ on purpose, so each
/// side states its own and <see cref="RegistryConnection"/> applies them before the user's
/// <see cref="RegistryChannelOptions"/> hooks.
/// </summary>
internal sealed class RegistryChannelDefaults
{
    /// <summary>Deadline of each unary registry call; also the connect timeout.</summary>
    public required TimeSpan CallTimeout { get; init; }

    /// <summary>The side's own handler settings (keep-alive, pooling), applied first.</summary>
    public required Action<SocketsHttpHandler> ConfigureHandler { get; init; }

    /// <summary>Null leaves grpc-dotnet's own logging off (see the registrar's reason).</summary>
    public ILoggerFactory? ChannelLoggerFactory { get; init; }

    /// <summary>Null keeps grpc-dotnet's default.</summary>
    public int? MaxReceiveMessageSize { get; init; }

    /// <summary>Where the hooks are configured, for error messages (<c>Introspection:Client:RegistryChannel</c>).</summary>
    public string SettingsPrefix { get; init; } = "RegistryChannel";

    /// <summary>The user's hooks.</summary>
    public RegistryChannelOptions Hooks { get; init; } = new();
}
