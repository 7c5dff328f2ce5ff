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
            if (!_leases.TryGetValue(leaseId, out var lease)
                || !string.Equals(lease.Namespace, ns, StringComparison.Ordinal)
                || (required is not null && lease.Owner is not null && !string.Equals(lease.Owner, required, StringComparison.Ordinal)))
            {
                return ValueTask.FromResult(RenewResult.NotFound);
            }

            lease.ExpiresAt = _timeProvider.GetUtcNow() + lease.Ttl;
            lease.Renewed = true;
            return ValueTask.FromResult(new RenewResult(true, lease.Ttl));
        }
    }

    // Caller holds the lock. An instance without an owner (registered while the registry was anonymous)
    // may be changed by anyone the authorizer let through.
    private void CheckOwner(string ns, InstanceEntry entry, LeaseOwnership ownership)
    {
        var required = ownership.RequiredOwner;
        if (required is not null
            && _leases.TryGetValue(entry.LeaseId, out var lease)
            && lease.Owner is not null
            && !string.Equals(lease.Owner, required, StringComparison.Ordinal))
        {
            throw new RegistryOwnershipException(ns, entry.Record.App, entry.Record.InstanceId);
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

    // Caller holds the lock.
    private void AddPrincipal(string? owner, string ns)
    {
        if (owner is null)
        {
            return;
        }

        if (!_principals.TryGetValue(owner, out var state))
        {
            state = new PrincipalState();
            _principals.Add(owner, state);
        }

        state.Instances++;
        state.Namespaces[ns] = state.Namespaces.GetValueOrDefault(ns) + 1;
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
