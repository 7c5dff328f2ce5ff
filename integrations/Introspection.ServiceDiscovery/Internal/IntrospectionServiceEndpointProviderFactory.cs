using System.Diagnostics.CodeAnalysis;
using System.Net;
using Introspection.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.ServiceDiscovery;

namespace Introspection.ServiceDiscovery.Internal;

/// <summary>
/// Creates a provider for every ME.SD query whose service name may be an app (<c>http://greeter</c> →
/// <c>greeter</c>). Names that cannot be apps (IP literals, invalid characters, names outside
/// <see cref="IntrospectionServiceEndpointProviderOptions.Apps"/>) get no provider, so ME.SD goes on to the next one.
/// </summary>
internal sealed class IntrospectionServiceEndpointProviderFactory(
    IntrospectionClient client,
    IOptions<IntrospectionServiceEndpointProviderOptions> options,
    ILoggerFactory loggerFactory) : IServiceEndpointProviderFactory
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<IntrospectionServiceEndpointProvider>();

    public bool TryCreateProvider(ServiceEndpointQuery query, [NotNullWhen(true)] out IServiceEndpointProvider? provider)
    {
        ArgumentNullException.ThrowIfNull(query);
        provider = null;
        var app = query.ServiceName;
        if (!AppTarget.IsValidApp(app) || IPAddress.TryParse(app, out _))
        {
            return false;
        }

        var apps = options.Value.Apps;
        if (apps.Count > 0 && !apps.Contains(app))
        {
            return false;
        }

        provider = new IntrospectionServiceEndpointProvider(client, new AppTarget(app), query.IncludedSchemes, _logger);
        return true;
    }
}
