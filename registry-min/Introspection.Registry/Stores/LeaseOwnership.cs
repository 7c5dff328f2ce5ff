namespace Introspection.Registry.Stores;

/// <summary>
/// Who makes a lease-changing call, for the store's ownership rule: the principal that registered an
/// instance owns it and its lease; only that principal (or an admin) renews, updates or deregisters it.
/// </summary>
/// <param name="Principal">The caller's principal name; null for an anonymous registry (no owner is recorded, nothing is checked).</param>
/// <param name="IsAdmin">The caller holds admin in the namespace: it may act on (and take over) instances other principals own.</param>
public readonly record struct LeaseOwnership(string? Principal, bool IsAdmin = false)
{
    /// <summary>No principal: the anonymous registry of a loopback development setup. Nothing is recorded or checked.</summary>
    public static LeaseOwnership Anonymous => default;

    /// <summary>
    /// The principal whose ownership a renewal, update or deregistration must match, or null when the
    /// store must not check (anonymous, or an admin).
    /// </summary>
    public string? RequiredOwner => IsAdmin ? null : Principal;
}
