namespace Introspection.Client.Internal;

/// <summary>One app of a <see cref="ViewSnapshot"/>.</summary>
internal sealed class ViewSnapshotApp
{
    public string App { get; set; } = string.Empty;

    public List<ViewSnapshotInstance> Instances { get; set; } = [];
}
