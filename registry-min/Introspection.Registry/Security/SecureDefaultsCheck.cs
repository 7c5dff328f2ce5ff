using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Introspection.Registry.Security;

/// <summary>
/// The secure default: a registry without authentication that listens beyond loopback refuses to start, in one
/// line that says how to fix it. Runs once the server is bound (the real addresses, whatever configured them);
/// until then <see cref="RegistryAuthorizer"/> refuses such calls anyway, so nothing is served in between.
/// </summary>
internal sealed partial class SecureDefaultsCheck(RegistryCredentials credentials, IServer server, ILogger<SecureDefaultsCheck> logger) : IHostedLifecycleService
{
    public const string Message =
        "The registry listens beyond loopback without authentication: configure Introspection:Registry:Security (ApiKeys, Jwt or ClientCertificates), or set Introspection:Registry:Security:AllowAnonymous=true to let anyone who reaches the port change everything.";

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        if (credentials.IsAuthenticationConfigured)
        {
            return Task.CompletedTask;
        }

        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var exposed = addresses.Where(static a => !IsLoopback(a)).ToArray();
        if (exposed.Length == 0)
        {
            return Task.CompletedTask;
        }

        if (credentials.AllowAnonymous)
        {
            Log.AnonymousExposed(logger, string.Join(", ", exposed));
            return Task.CompletedTask;
        }

        Log.RefusedToStart(logger, string.Join(", ", exposed), Message);
        throw new InsecureRegistryException(Message);
    }

    /// <summary>Whether a bound address (<c>http://127.0.0.1:5300</c>, <c>http://[::1]:5300</c>, <c>http://localhost:5300</c>) is loopback only.</summary>
    public static bool IsLoopback(string address)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri))
        {
            // "http://+:80", "http://*:80" do not parse as URIs: they are every interface.
            return false;
        }

        if (uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || uri.Host.StartsWith("unix", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
