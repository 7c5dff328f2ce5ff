using Introspection.Protocol.Registry.V1;

namespace Introspection.Client.View;

/// <summary>What the client knows about one app's instances. Guarded by the view's lock.</summary>
internal sealed class AppState(string app)
{
    public string App { get; } = app;

    /// <summary>Instances as the registry last said, by instance id.</summary>
    public Dictionary<string, Instance> Registered { get; } = new(StringComparer.Ordinal);

    /// <summary>The instances routed to: <see cref="Registered"/>, or the last non-empty list while empty protection holds.</summary>
    public IReadOnlyList<Instance> Effective { get; set; } = [];

    /// <summary>The last non-empty <see cref="Registered"/> list.</summary>
    public IReadOnlyList<Instance>? LastNonEmpty { get; set; }

    /// <summary>True while the registry says "empty" but <see cref="Effective"/> holds the last non-empty list.</summary>
    public bool Protected { get; set; }

    /// <summary>True once a registry snapshot (or the disk snapshot) covering this app was applied.</summary>
    public bool Synced { get; set; }

    /// <summary>
    /// True while the list comes from the disk snapshot only. Such a list is used when the registry cannot be
    /// reached; while the registry may still answer, the live list is awaited instead (the file may be old).
    /// </summary>
    public bool FromDisk { get; set; }
}
