namespace Introspection.Client.View;

/// <summary>Where finding the apps of one service stands. Guarded by the view's lock.</summary>
internal sealed class ServiceLookup
{
    /// <summary>The registry answered (LookupService or a live Watch mapping snapshot).</summary>
    public bool Resolved { get; set; }

    /// <summary>Why the last lookup failed; null when it did not.</summary>
    public string? Failure { get; set; }
}
