namespace Introspection.Provider;

/// <summary>
/// Sets the group and version under which a gRPC service class is described in the metadata.
/// Options (<see cref="IntrospectionProviderOptions.Services"/>) override it.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
public sealed class IntrospectionServiceAttribute : Attribute
{
    /// <summary>Group of the service. Default: empty (the default group).</summary>
    public string? Group { get; set; }

    /// <summary>Version of the service. Default: empty (unversioned).</summary>
    public string? Version { get; set; }
}
