namespace Introspection.ServiceDiscovery;

/// <summary>Options of the Introspection endpoint provider for Microsoft.Extensions.ServiceDiscovery (section <c>Introspection:ServiceDiscovery</c>).</summary>
public sealed class IntrospectionServiceEndpointProviderOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Introspection:ServiceDiscovery";

    /// <summary>
    /// The app names this provider resolves. Empty (the default): every name that is a valid app name and not an IP
    /// literal. Each name looked up is watched in the registry (one more app on the client's one Watch stream), so an
    /// app that also calls outside hosts by name (<c>https://api.example.com</c>) may list its apps here to keep
    /// those out; names not listed fall through to the next provider (configuration, pass-through).
    /// </summary>
    public ISet<string> Apps { get; } = new HashSet<string>(StringComparer.Ordinal);
}
