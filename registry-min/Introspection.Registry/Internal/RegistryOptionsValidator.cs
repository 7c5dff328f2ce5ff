using Microsoft.Extensions.Options;

namespace Introspection.Registry.Internal;

/// <summary>Rejects inconsistent settings at startup, naming the key and the rule.</summary>
internal sealed class RegistryOptionsValidator : IValidateOptions<RegistryOptions>
{
    public ValidateOptionsResult Validate(string? name, RegistryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var leases = options.Leases;
        var prefix = RegistryOptions.SectionName;

        if (string.IsNullOrWhiteSpace(options.Store))
        {
            failures.Add($"{prefix}:Store must name a store ('memory' or 'redis').");
        }

        if (options.ShutdownTimeout < TimeSpan.Zero)
        {
            failures.Add($"{prefix}:ShutdownTimeout must be >= 0, got {options.ShutdownTimeout}.");
        }

        if (leases.MinTtl <= TimeSpan.Zero)
        {
            failures.Add($"{prefix}:Leases:MinTtl must be > 0, got {leases.MinTtl}.");
        }

        if (leases.MaxTtl < leases.MinTtl)
        {
            failures.Add($"{prefix}:Leases:MaxTtl ({leases.MaxTtl}) must be >= MinTtl ({leases.MinTtl}).");
        }

        if (leases.MaxTtl > TimeSpan.FromDays(1))
        {
            failures.Add($"{prefix}:Leases:MaxTtl must be <= 1 day, got {leases.MaxTtl}.");
        }

        if (leases.DefaultTtl <= TimeSpan.Zero)
        {
            failures.Add($"{prefix}:Leases:DefaultTtl must be > 0, got {leases.DefaultTtl}.");
        }

        if (leases.SweepInterval <= TimeSpan.Zero)
        {
            failures.Add($"{prefix}:Leases:SweepInterval must be > 0, got {leases.SweepInterval}.");
        }

        if (leases.MaxEvictionsPerSweep < 1)
        {
            failures.Add($"{prefix}:Leases:MaxEvictionsPerSweep must be >= 1, got {leases.MaxEvictionsPerSweep}.");
        }

        var probe = leases.Probe;
        foreach (var (key, file) in new[] { ("TrustedCaFile", probe.TrustedCaFile), ("ClientCertificateFile", probe.ClientCertificateFile), ("ClientKeyFile", probe.ClientKeyFile) })
        {
            if (!string.IsNullOrEmpty(file) && !File.Exists(file))
            {
                failures.Add($"{prefix}:Leases:Probe:{key} names a file that does not exist: '{file}'.");
            }
        }

        if (string.IsNullOrEmpty(probe.ClientCertificateFile) != string.IsNullOrEmpty(probe.ClientKeyFile))
        {
            failures.Add($"{prefix}:Leases:Probe:ClientCertificateFile and ClientKeyFile go together.");
        }

        if (probe.Timeout <= TimeSpan.Zero || probe.Timeout > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{prefix}:Leases:Probe:Timeout must be in (0, 1 min], got {probe.Timeout}.");
        }

        if (probe.MaxConsecutiveExtensions < 0)
        {
            failures.Add($"{prefix}:Leases:Probe:MaxConsecutiveExtensions must be >= 0, got {probe.MaxConsecutiveExtensions}.");
        }

        if (probe.Concurrency is < 1 or > 1024)
        {
            failures.Add($"{prefix}:Leases:Probe:Concurrency must be in [1, 1024], got {probe.Concurrency}.");
        }

        var sp = options.SelfPreservation;
        if (sp.Threshold is <= 0 or > 1 || double.IsNaN(sp.Threshold))
        {
            failures.Add($"{prefix}:SelfPreservation:Threshold must be in (0, 1], got {sp.Threshold}.");
        }

        if (sp.Window <= TimeSpan.Zero)
        {
            failures.Add($"{prefix}:SelfPreservation:Window must be > 0, got {sp.Window}.");
        }

        if (sp.MinimumLeases < 1)
        {
            failures.Add($"{prefix}:SelfPreservation:MinimumLeases must be >= 1, got {sp.MinimumLeases}.");
        }

        if (sp.WarningInterval <= TimeSpan.Zero)
        {
            failures.Add($"{prefix}:SelfPreservation:WarningInterval must be > 0, got {sp.WarningInterval}.");
        }

        var watch = options.Watch;
        if (watch.CoalescingWindow < TimeSpan.Zero || watch.CoalescingWindow > TimeSpan.FromSeconds(1))
        {
            failures.Add($"{prefix}:Watch:CoalescingWindow must be in [0, 1 s], got {watch.CoalescingWindow}.");
        }

        if (watch.QueueCapacity < 1)
        {
            failures.Add($"{prefix}:Watch:QueueCapacity must be >= 1, got {watch.QueueCapacity}.");
        }

        if (watch.ReadBatchSize < 1)
        {
            failures.Add($"{prefix}:Watch:ReadBatchSize must be >= 1, got {watch.ReadBatchSize}.");
        }

        if (options.History.MaxEvents < 1)
        {
            failures.Add($"{prefix}:History:MaxEvents must be >= 1, got {options.History.MaxEvents}.");
        }

        if (options.History.MaxAge <= TimeSpan.Zero)
        {
            failures.Add($"{prefix}:History:MaxAge must be > 0, got {options.History.MaxAge}.");
        }

        var limits = options.Limits;
        if (limits.MaxLabels < 0)
        {
            failures.Add($"{prefix}:Limits:MaxLabels must be >= 0, got {limits.MaxLabels}.");
        }

        if (limits.MaxLabelBytes < 0)
        {
            failures.Add($"{prefix}:Limits:MaxLabelBytes must be >= 0, got {limits.MaxLabelBytes}.");
        }

        if (limits.MaxLabelValueBytes < 0)
        {
            failures.Add($"{prefix}:Limits:MaxLabelValueBytes must be >= 0, got {limits.MaxLabelValueBytes}.");
        }

        foreach (var (key, value) in new[]
        {
            ("MaxNamespaces", limits.MaxNamespaces),
            ("MaxInstancesPerNamespace", limits.MaxInstancesPerNamespace),
            ("MaxServicesPerApp", limits.MaxServicesPerApp),
            ("MaxMappingsPerNamespace", limits.MaxMappingsPerNamespace),
            ("MaxWatchStreamsPerNamespace", limits.MaxWatchStreamsPerNamespace),
            ("MaxInstancesPerPrincipal", limits.MaxInstancesPerPrincipal),
            ("MaxNamespacesPerPrincipal", limits.MaxNamespacesPerPrincipal),
            ("MaxWatchStreamsPerPrincipal", limits.MaxWatchStreamsPerPrincipal),
            ("WriteBurstPerPrincipal", limits.WriteBurstPerPrincipal),
            ("WriteBurstPerNamespace", limits.WriteBurstPerNamespace),
        })
        {
            if (value < 1)
            {
                failures.Add($"{prefix}:Limits:{key} must be >= 1, got {value}.");
            }
        }

        // Above the wire's own cap the option would never bind: a call that large is rejected first.
        if (limits.MaxServicesPerMapService is < 1 or > Introspection.Protocol.WireContract.MaxServicesPerRequest)
        {
            failures.Add($"{prefix}:Limits:MaxServicesPerMapService must be in [1, {Introspection.Protocol.WireContract.MaxServicesPerRequest}], got {limits.MaxServicesPerMapService}.");
        }

        foreach (var (key, value) in new[] { ("WritesPerSecondPerPrincipal", limits.WritesPerSecondPerPrincipal), ("WritesPerSecondPerNamespace", limits.WritesPerSecondPerNamespace) })
        {
            if (!double.IsFinite(value) || value < 0 || value > 1_000_000)
            {
                failures.Add($"{prefix}:Limits:{key} must be in [0, 1000000] (0: off), got {value}.");
            }
        }

        Security.RegistrySecurityOptionsValidator.Validate(options, failures);

        if (limits.UnmapAfter <= TimeSpan.Zero)
        {
            failures.Add($"{prefix}:Limits:UnmapAfter must be > 0, got {limits.UnmapAfter}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
