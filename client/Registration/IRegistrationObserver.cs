namespace Introspection.Client;

/// <summary>
/// Hears of a registrar's lease events as they happen, for a host that reports them in its own vocabulary
/// (its own meter, for instance). Called on the registrar's loops: keep it quick, and do not throw.
/// </summary>
public interface IRegistrationObserver
{
    /// <summary>A Register call succeeded with <paramref name="registry"/> (initially or after a lost lease).</summary>
    void OnRegistered(string registry);

    /// <summary><paramref name="registry"/> confirmed a lease renewal.</summary>
    void OnRenewed(string registry);

    /// <summary>A renewal or (re)registration with <paramref name="registry"/> failed (error answer, timeout or broken stream).</summary>
    void OnRenewalFailed(string registry);
}
