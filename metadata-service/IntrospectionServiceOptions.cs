namespace Introspection.Provider;

/// <summary>Settings of one exposed gRPC service (an entry of <see cref="IntrospectionProviderOptions.Services"/>).</summary>
public sealed class IntrospectionServiceOptions
{
    /// <summary>Group (partition of one service's providers, e.g. <c>canary</c>). Default: the attribute's, else empty.</summary>
    public string? Group { get; set; }

    /// <summary>Interface version (e.g. <c>2.0</c>). Default: the attribute's, else empty.</summary>
    public string? Version { get; set; }

    /// <summary>Free-form parameters; they are added to (and override) the attribute's. Default: none.</summary>
    public IDictionary<string, string> Params { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>When true the service is served but left out of the metadata and the registry mapping. Default: false.</summary>
    public bool Exclude { get; set; }
}
