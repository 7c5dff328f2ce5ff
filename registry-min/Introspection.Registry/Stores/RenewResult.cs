namespace Introspection.Registry.Stores;

/// <summary>Answer of <c>IRegistryStore.RenewAsync</c>.</summary>
/// <param name="Found">False when the lease is unknown (never granted, revoked or evicted).</param>
/// <param name="Remaining">Remaining TTL after the renewal (the full TTL); zero when not found.</param>
public readonly record struct RenewResult(bool Found, TimeSpan Remaining)
{
    /// <summary>The answer for an unknown lease.</summary>
    public static RenewResult NotFound => default;
}
