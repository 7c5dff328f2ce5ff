namespace Introspection.Client.Internal;

/// <summary>What the client writes to disk: enough of its view to route calls after a restart during a registry outage.</summary>
internal sealed class ViewSnapshot
{
    public const int CurrentFormat = 1;

    public int Format { get; set; } = CurrentFormat;

    public string Namespace { get; set; } = string.Empty;

    public DateTimeOffset SavedAt { get; set; }

    public List<ViewSnapshotApp> Apps { get; set; } = [];

    public List<ViewSnapshotMapping> Mappings { get; set; } = [];

    /// <summary>Verified MetadataInfo messages (protobuf, base64): checked again against their revision when read back.</summary>
    public List<string> Metadata { get; set; } = [];
}
