namespace Introspection.Metadata;

/// <summary>Options of a provider instance (bound from the <c>Introspection:Provider</c> section).</summary>
public sealed class IntrospectionProviderOptions
{
    /// <summary>Application name. Default: the host's application name.</summary>
    public string? App { get; set; }
}
