namespace Introspection.Client;

/// <summary>
/// A named group of registries (<c>Introspection:Client:RegistryGroups:{name}</c>): services configured with
/// <see cref="ServiceSourceOptions.Registry"/> = that name are discovered from these registries instead of the
/// default <see cref="IntrospectionClientOptions.Registries"/> — the way to keep core and non-core business on
/// separate registries, so an outage of one leaves the other's services untouched.
/// </summary>
public sealed class RegistryGroupOptions
{
    /// <summary>The group's registries, in the form of <see cref="IntrospectionClientOptions.Registries"/>. At least one is required.</summary>
    public IList<string> Registries { get; } = new List<string>();

    /// <summary>The namespace in these registries. Default: <c>null</c>, the client's <see cref="IntrospectionClientOptions.Namespace"/>.</summary>
    public string? Namespace { get; set; }
}
