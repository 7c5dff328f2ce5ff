namespace Introspection.Client.Internal;

/// <summary>One instance of a <see cref="ViewSnapshotApp"/>.</summary>
internal sealed class ViewSnapshotInstance
{
    public string InstanceId { get; set; } = string.Empty;

    public string Host { get; set; } = string.Empty;

    public int Port { get; set; }

    public string Revision { get; set; } = string.Empty;

    public Dictionary<string, string> Labels { get; set; } = [];
}
