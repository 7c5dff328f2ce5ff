namespace Introspection.Client.Internal;

/// <summary>Where finding the apps of one service stands. Guarded by the client's gate.</summary>
internal sealed class ServiceLookup
{
    /// <summary>The registry answered (LookupService or a live Watch mapping snapshot).</summary>
    public bool Resolved { get; set; }

    /// <summary>Why the last lookup failed; null when it did not.</summary>
    public string? Failure { get; set; }

    public Task? Task { get; set; }
}
