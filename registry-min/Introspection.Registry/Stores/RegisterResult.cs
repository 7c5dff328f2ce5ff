namespace Introspection.Registry.Stores;

/// <summary>Answer of <c>IRegistryStore.RegisterAsync</c>.</summary>
/// <param name="LeaseId">The new lease; positive, unique in the store, never reused (not even across restarts of a memory store).</param>
/// <param name="Ttl">The TTL granted.</param>
/// <param name="Revision">Revision of the PUT event.</param>
public readonly record struct RegisterResult(long LeaseId, TimeSpan Ttl, long Revision);
