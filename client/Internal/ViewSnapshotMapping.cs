namespace Introspection.Client.Internal;

/// <summary>One service → app row of a <see cref="ViewSnapshot"/>.</summary>
internal sealed class ViewSnapshotMapping
{
    public string Service { get; set; } = string.Empty;

    public string App { get; set; } = string.Empty;
}
