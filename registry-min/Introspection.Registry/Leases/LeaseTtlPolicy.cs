using Microsoft.Extensions.Options;

namespace Introspection.Registry.Leases;

/// <summary>Turns a requested TTL into the granted one: 0 means the default; the rest is clamped into [min, max].</summary>
internal sealed class LeaseTtlPolicy
{
    private readonly RegistryLeaseOptions _options;

    public LeaseTtlPolicy(IOptions<RegistryOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value.Leases;
    }

    /// <param name="requestedMs">Already validated to be ≥ 0.</param>
    public TimeSpan Grant(long requestedMs)
    {
        if (requestedMs == 0)
        {
            return Clamp(_options.DefaultTtl);
        }

        // Anything beyond MaxTtl is clamped anyway; capping first keeps FromMilliseconds in range.
        var requested = TimeSpan.FromMilliseconds(Math.Min(requestedMs, (long)_options.MaxTtl.TotalMilliseconds + 1));
        return Clamp(requested);
    }

    private TimeSpan Clamp(TimeSpan ttl)
    {
        if (ttl < _options.MinTtl)
        {
            return _options.MinTtl;
        }

        return ttl > _options.MaxTtl ? _options.MaxTtl : ttl;
    }
}
