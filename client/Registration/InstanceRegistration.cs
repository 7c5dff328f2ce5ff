using Introspection.Protocol;

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

    /// <summary>
    /// The wire contract's rules (<see cref="Introspection.Protocol.WireContract"/>), checked before anything is sent:
    /// the registry would answer INVALID_ARGUMENT to every attempt, and the renewal loop would retry it forever.
    /// </summary>
    /// <exception cref="ArgumentException">A field breaks a rule; the message names the field and the limit.</exception>
    internal void Validate(string paramName)
    {
        List<string>? errors = null;
        void Check(bool ok, string? error)
        {
            if (!ok)
            {
                (errors ??= []).Add(error!);
            }
        }

        if (Namespace.Length > 0)
        {
            // Empty is the registry's default namespace.
            Check(WireContract.TryValidateNamespace(nameof(Namespace), Namespace, out var e1), e1);
        }

        Check(WireContract.TryValidateApp(nameof(App), App, out var e2), e2);
        Check(WireContract.TryValidateInstanceId(nameof(InstanceId), InstanceId, out var e3), e3);
        Check(WireContract.TryValidateHost(nameof(Host), Host, out var e4), e4);
        Check(WireContract.TryValidatePort(nameof(Port), Port, out var e5), e5);
        Check(WireContract.TryValidateRevision(nameof(Revision), Revision, out var e6), e6);
        foreach (var key in Labels.Keys)
        {
            Check(WireContract.TryValidateLabelKey($"{nameof(Labels)}[{key}]", key, out var e7), e7);
        }

        foreach (var service in Services)
        {
            Check(WireContract.TryValidateService($"{nameof(Services)}[]", service, out var e8), e8);
        }

        if (errors is not null)
        {
            throw new ArgumentException(string.Join(" ", errors), paramName);
        }
    }

    /// <summary>Labels in a canonical form, to tell whether the registry already holds them.</summary>
    /// <remarks>Computed on access: a <c>with</c> copy would keep a stored value stale.</remarks>
    internal string LabelsKey => string.Join('\n', Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value));
}
