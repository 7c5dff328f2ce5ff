namespace Introspection.Provider.Internal;

/// <summary>What this instance tells a registry about itself: one immutable snapshot per revision/labels change.</summary>
internal sealed record InstanceRegistration(
    string Namespace,
    string App,
    string InstanceId,
    string Host,
    int Port,
    string Revision,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<string> Services)
{
    /// <summary>Labels in a canonical form, to tell whether the registry already holds them.</summary>
    /// <remarks>Computed on access: a <c>with</c> copy would keep a stored value stale.</remarks>
    public string LabelsKey => string.Join('\n', Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value));
}
