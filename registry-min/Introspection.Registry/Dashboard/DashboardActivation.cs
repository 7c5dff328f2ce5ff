using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Introspection.Registry.Dashboard;

/// <summary>
/// Whether the dashboard answers: <see cref="RegistryDashboardOptions.Enabled"/> when set, otherwise on exactly when
/// every address the server listens on is loopback. Decided from the bound addresses (not from configuration keys),
/// so <c>--urls</c>, <c>Kestrel:Endpoints</c> and code-configured listeners are judged alike.
/// </summary>
internal sealed class DashboardActivation
{
    private readonly RegistryDashboardOptions _options;
    private readonly IServer? _server;
    private bool? _decided;

    public DashboardActivation(IOptions<RegistryOptions> options, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value.Dashboard;
        // Absent in a host without a server (a worker embedding the registry's services only).
        _server = services.GetService<IServer>();
    }

    public bool IsEnabled
    {
        get
        {
            if (_options.Enabled is { } explicitly)
            {
                return explicitly;
            }

            if (_decided is { } decided)
            {
                return decided;
            }

            var addresses = _server?.Features.Get<IServerAddressesFeature>()?.Addresses;
            if (addresses is null || addresses.Count == 0)
            {
                // Not listening yet: nothing to serve anyway, and no decision to cache.
                return false;
            }

            _decided = addresses.All(IsLoopback);
            return _decided.Value;
        }
    }

    internal static bool IsLoopback(string address)
    {
        // "http://127.0.0.1:5300", "https://[::1]:5301", "http://localhost:5300"; wildcards ("*", "+", "0.0.0.0") are not.
        if (!Uri.TryCreate(address.Replace("://*", "://wildcard", StringComparison.Ordinal).Replace("://+", "://wildcard", StringComparison.Ordinal), UriKind.Absolute, out var uri))
        {
            return false;
        }

        if (string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip);
    }
}
