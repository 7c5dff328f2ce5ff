namespace Introspection.Client;

/// <summary>
/// What an instance tells a registry about itself: one endpoint as <see cref="IntrospectionRegistrar.AddEndpoint"/>
/// registers it. Immutable; <see cref="InstanceLease.UpdateAsync"/> takes a changed copy (<c>with</c>).
/// </summary>
public sealed record InstanceRegistration
{
    /// <summary>Registry namespace (tenant/environment). Default: empty, the registry's default namespace.</summary>
    public string Namespace { get; init; } = string.Empty;

    /// <summary>Application name: consumers find the instance through it (and the services mapped to it). Required.</summary>
    public required string App { get; init; }

    /// <summary>Instance id, unique within the app (for example <c>host:port</c>). Required.</summary>
    public required string InstanceId { get; init; }

    /// <summary>Host (IP or DNS name) consumers dial. Required.</summary>
    public required string Host { get; init; }

    /// <summary>Port consumers dial, 1-65535. Required.</summary>
    public required int Port { get; init; }

    /// <summary>
    /// Metadata revision the instance serves (consumers fetch its metadata once per distinct revision):
    /// <c>"0"</c> or 64 lowercase hex characters (protocol/REVISION.md); the registry refuses anything else.
    /// Default: <c>"0"</c>.
    /// </summary>
    public string Revision { get; init; } = "0";

    /// <summary>A few small labels (zone, weight, ...) stored with the instance. Default: none.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Fully qualified gRPC service names mapped to <see cref="App"/> (service → app lookup). Default: none.</summary>
    public IReadOnlyList<string> Services { get; init; } = [];

    /// <summary>Labels in a canonical form, to tell whether the registry already holds them.</summary>
    /// <remarks>Computed on access: a <c>with</c> copy would keep a stored value stale.</remarks>
    internal string LabelsKey => string.Join('\n', Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value));
}
