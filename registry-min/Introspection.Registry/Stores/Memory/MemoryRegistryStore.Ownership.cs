namespace Introspection.Registry.Stores.Memory;

internal sealed partial class MemoryRegistryStore
{
    public ValueTask<RenewResult> RenewAsync(string ns, long leaseId, LeaseOwnership ownership, CancellationToken cancellationToken)
    {
        var required = ownership.RequiredOwner;
        lock (_lock)
        {
            // Another principal's lease answers exactly like an unknown one: a renewal must not tell a
            // stranger which lease ids exist.
            if (!_leasesById.TryGetValue(leaseId, out var lease)
                || !string.Equals(lease.App.Namespace, ns, StringComparison.Ordinal)
                || (required is not null && lease.Owner is not null && !string.Equals(lease.Owner.Name, required, StringComparison.Ordinal)))
            {
                return ValueTask.FromResult(RenewResult.NotFound);
            }

            lease.ExpiresAtUtcTicks = _timeProvider.GetUtcNow().UtcTicks + lease.TtlTicks;
            lease.Renewed = true;
            return ValueTask.FromResult(new RenewResult(true, lease.Ttl));
        }
    }

    // Caller holds the lock. An instance without an owner (registered while the registry was anonymous)
    // may be changed by anyone the authorizer let through.
    private static void CheckOwner(string ns, InstanceSlot slot, LeaseOwnership ownership)
    {
        var required = ownership.RequiredOwner;
        if (required is not null
            && slot.Owner is not null
            && !string.Equals(slot.Owner.Name, required, StringComparison.Ordinal))
        {
            throw new RegistryOwnershipException(ns, slot.App.Name, slot.InstanceId);
        }
    }

    // Caller holds the lock. Throws when one more instance of `owner` in `ns` would pass a per-principal cap.
    private void AdmitPrincipal(string owner, string ns)
    {
        _principals.TryGetValue(owner, out var state);
        var instances = state?.Instances ?? 0;
        if (instances >= _limits.MaxInstancesPerPrincipal)
        {
            throw new RegistryLimitExceededException(nameof(RegistryLimitsOptions.MaxInstancesPerPrincipal), _limits.MaxInstancesPerPrincipal, $"principal '{owner}' owns {instances} instances");
        }

        var namespaces = state?.Namespaces.Count ?? 0;
        if (state?.Namespaces.ContainsKey(ns) != true && namespaces >= _limits.MaxNamespacesPerPrincipal)
        {
            throw new RegistryLimitExceededException(nameof(RegistryLimitsOptions.MaxNamespacesPerPrincipal), _limits.MaxNamespacesPerPrincipal, $"principal '{owner}' owns instances in {namespaces} namespaces, '{ns}' would be a new one");
        }
    }

    // Caller holds the lock. The state returned is what the instance's slot refers to as its owner.
    private PrincipalState? AddPrincipal(string? owner, string ns)
    {
        if (owner is null)
        {
            return null;
        }

        if (!_principals.TryGetValue(owner, out var state))
        {
            state = new PrincipalState(owner);
            _principals.Add(owner, state);
        }

        state.Instances++;
        state.Namespaces[ns] = state.Namespaces.GetValueOrDefault(ns) + 1;
        return state;
    }

    // Caller holds the lock.
    private void ReleasePrincipal(string? owner, string ns)
    {
        if (owner is null || !_principals.TryGetValue(owner, out var state))
        {
            return;
        }

        state.Instances--;
        var inNamespace = state.Namespaces.GetValueOrDefault(ns) - 1;
        if (inNamespace <= 0)
        {
            state.Namespaces.Remove(ns);
        }
        else
        {
            state.Namespaces[ns] = inNamespace;
        }

        if (state.Instances <= 0)
        {
            _principals.Remove(owner);
        }
    }
}
