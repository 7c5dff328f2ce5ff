using Microsoft.Extensions.Logging.Abstractions;

namespace Introspection.Client.Internal;

/// <summary>The checks of a <see cref="RegistryChannelOptions"/> shared by the client's, the registrar's and the provider's validators.</summary>
internal static class RegistryChannelChecks
{
    /// <summary>Adds to <paramref name="errors"/> every problem of <paramref name="channel"/>, each naming its key under <paramref name="prefix"/>.</summary>
    public static void Check(RegistryChannelOptions? channel, IEnumerable<string> registries, string prefix, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(registries);
        ArgumentNullException.ThrowIfNull(errors);
        if (channel is null)
        {
            errors.Add($"{prefix}: must not be null.");
            return;
        }

        if (channel.Tls is null)
        {
            errors.Add($"{prefix}:Tls: must not be null.");
        }
        else
        {
            TlsClientSettings.TryLoad(channel.Tls, prefix + ":Tls", NullLogger.Instance, errors);
        }

        if (channel.TokenSource is not null || !string.IsNullOrWhiteSpace(channel.AccessToken))
        {
            var key = channel.TokenSource is not null ? "TokenSource" : "AccessToken";
            foreach (var address in RegistryConnection.Split(registries))
            {
                if (Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Scheme != Uri.UriSchemeHttps)
                {
                    errors.Add($"{prefix}:{key}: a token is sent only over TLS, but the registry '{address}' is not an https:// address.");
                }
            }
        }

        if (channel.AccessToken is { } token && token.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            errors.Add($"{prefix}:AccessToken: contains a line break.");
        }
    }
}
