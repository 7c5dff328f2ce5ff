using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Introspection.Provider.Internal;

/// <summary>
/// Raises <see cref="HostOptions.ShutdownTimeout"/> (default 30 s) to cover the provider's own
/// shutdown sequence plus a margin for the server and other services, so the host does not cancel
/// the drain it is waiting for.
/// </summary>
internal sealed class HostOptionsSetup : IPostConfigureOptions<HostOptions>
{
    internal static readonly TimeSpan Margin = TimeSpan.FromSeconds(5);

    private readonly IOptionsMonitor<IntrospectionProviderOptions> _provider;

    public HostOptionsSetup(IOptionsMonitor<IntrospectionProviderOptions> provider) => _provider = provider;

    public void PostConfigure(string? name, HostOptions options)
    {
        var needed = _provider.CurrentValue.ShutdownTimeout + Margin;
        if (options.ShutdownTimeout < needed)
        {
            options.ShutdownTimeout = needed;
        }
    }
}
