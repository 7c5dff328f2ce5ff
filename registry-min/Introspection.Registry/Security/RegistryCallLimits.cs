using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Introspection.Registry.Security;

/// <summary>
/// Node-local limits of authenticated callers: write rate per principal and per namespace (token buckets of
/// <see cref="System.Threading.RateLimiting"/>, partitioned by key; ASP.NET Core's rate-limiting middleware is not
/// used because its HTTP 429 reaches gRPC clients as UNAVAILABLE, which they retry at once) and open Watch streams
/// per principal. The anonymous registry has no principals and no limits here.
/// </summary>
internal sealed class RegistryCallLimits : IDisposable
{
    private readonly RegistryLimitsOptions _limits;
    private readonly PartitionedRateLimiter<string>? _principalWrites;
    private readonly PartitionedRateLimiter<string>? _namespaceWrites;
    private readonly ConcurrentDictionary<string, int> _watches = new(StringComparer.Ordinal);

    public RegistryCallLimits(IOptions<RegistryOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _limits = options.Value.Limits;
        _principalWrites = Bucket(_limits.WritesPerSecondPerPrincipal, _limits.WriteBurstPerPrincipal);
        _namespaceWrites = Bucket(_limits.WritesPerSecondPerNamespace, _limits.WriteBurstPerNamespace);
    }

    public int MaxWatchStreamsPerPrincipal => _limits.MaxWatchStreamsPerPrincipal;

    /// <summary>Takes one write permit; null when granted, otherwise which limit refused it.</summary>
    public (string Limit, double Rate, string What)? TryAcquireWrite(RegistryCaller caller, string ns)
    {
        if (caller.IsAnonymousRegistry)
        {
            return null;
        }

        if (_principalWrites is not null)
        {
            using var lease = _principalWrites.AttemptAcquire(caller.Name);
            if (!lease.IsAcquired)
            {
                return (nameof(RegistryLimitsOptions.WritesPerSecondPerPrincipal), _limits.WritesPerSecondPerPrincipal, $"principal '{caller.Name}' used its burst of {_limits.WriteBurstPerPrincipal} writes; retry later");
            }
        }

        if (_namespaceWrites is not null)
        {
            using var lease = _namespaceWrites.AttemptAcquire(ns);
            if (!lease.IsAcquired)
            {
                return (nameof(RegistryLimitsOptions.WritesPerSecondPerNamespace), _limits.WritesPerSecondPerNamespace, $"namespace '{ns}' used its burst of {_limits.WriteBurstPerNamespace} writes; retry later");
            }
        }

        return null;
    }

    /// <summary>Counts one open Watch stream of the caller until disposed; null when the caller is at its limit.</summary>
    public IDisposable? OpenWatch(RegistryCaller caller)
    {
        if (caller.IsAnonymousRegistry)
        {
            return NoLimit.Instance;
        }

        var open = _watches.AddOrUpdate(caller.Name, 1, static (_, n) => n + 1);
        var slot = new WatchSlot(this, caller.Name);
        if (open > _limits.MaxWatchStreamsPerPrincipal)
        {
            slot.Dispose();
            return null;
        }

        return slot;
    }

    public void Dispose()
    {
        _principalWrites?.Dispose();
        _namespaceWrites?.Dispose();
    }

    private void CloseWatch(string name)
    {
        if (_watches.AddOrUpdate(name, 0, static (_, n) => n - 1) <= 0)
        {
            // Drops the entry only if nobody opened a stream in between, so the map holds active principals only.
            _watches.TryRemove(new KeyValuePair<string, int>(name, 0));
        }
    }

    private static PartitionedRateLimiter<string>? Bucket(double perSecond, int burst)
    {
        if (perSecond <= 0)
        {
            return null;
        }

        // Whole tokens per period: below 1/s the period stretches (0.1/s = 1 token every 10 s).
        var tokens = Math.Max(1, (int)Math.Round(perSecond));
        var period = TimeSpan.FromSeconds(tokens / perSecond);
        return PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = period,
            QueueLimit = 0,
            AutoReplenishment = true,
        }), StringComparer.Ordinal);
    }

    private sealed class WatchSlot(RegistryCallLimits owner, string name) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.CloseWatch(name);
            }
        }
    }

    private sealed class NoLimit : IDisposable
    {
        public static readonly NoLimit Instance = new();

        public void Dispose()
        {
        }
    }
}
