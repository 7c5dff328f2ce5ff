using Microsoft.Extensions.Options;

namespace Introspection.Registry.Stores.Redis;

/// <summary>Checks <see cref="RegistryRedisOptions"/> at startup, but only when the registry actually uses the Redis store.</summary>
internal sealed class RegistryRedisOptionsValidator(IOptions<RegistryOptions> registryOptions, IServiceProvider? services = null) : IValidateOptions<RegistryRedisOptions>
{
    public ValidateOptionsResult Validate(string? name, RegistryRedisOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.Equals(registryOptions.Value.Store, RedisRegistryStore.StoreName, StringComparison.OrdinalIgnoreCase))
        {
            return ValidateOptionsResult.Skip;
        }

        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Configuration))
        {
            if (SharedConnectionCheck.Error(services, options) is { } error)
            {
                errors.Add(error);
            }
        }
        else
        {
            try
            {
                // Parse now: a typo must stop startup, not surface as UNAVAILABLE on every call.
                _ = RedisRegistryStore.CreateConfiguration(options);
            }
            catch (ArgumentException ex)
            {
                errors.Add($"{RegistryRedisOptions.SectionName}:Configuration is not a valid StackExchange.Redis configuration string: {ex.Message}");
            }
        }

        if (string.IsNullOrEmpty(options.KeyPrefix) || options.KeyPrefix.Length > 64
            || !options.KeyPrefix.All(static c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            errors.Add($"{RegistryRedisOptions.SectionName}:KeyPrefix '{options.KeyPrefix}' must be 1..64 characters of [A-Za-z0-9._-].");
        }

        Positive(errors, nameof(options.ConnectTimeout), options.ConnectTimeout);
        Positive(errors, nameof(options.OperationTimeout), options.OperationTimeout);
        Positive(errors, nameof(options.PollInterval), options.PollInterval);
        Positive(errors, nameof(options.ClockInterval), options.ClockInterval);
        if (options.OutageThreshold < TimeSpan.Zero
            || (options.OutageThreshold > TimeSpan.Zero && options.OutageThreshold < 2 * options.ClockInterval))
        {
            errors.Add($"{RegistryRedisOptions.SectionName}:OutageThreshold must be zero (off) or at least twice ClockInterval ({2 * options.ClockInterval}), got {options.OutageThreshold}.");
        }

        if (options.WaitReplicas < 0)
        {
            errors.Add($"{RegistryRedisOptions.SectionName}:WaitReplicas must be zero (off) or a number of replicas, got {options.WaitReplicas}.");
        }

        if (options.WaitReplicas > 0 && (options.WaitTimeout <= TimeSpan.Zero || options.WaitTimeout >= options.OperationTimeout))
        {
            // WAIT 0 would wait forever; a WAIT longer than the command timeout would fail every write that waits.
            errors.Add($"{RegistryRedisOptions.SectionName}:WaitTimeout must be positive and below OperationTimeout ({options.OperationTimeout}) when WaitReplicas is set, got {options.WaitTimeout}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Positive(List<string> errors, string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{RegistryRedisOptions.SectionName}:{name} must be positive, got {value}.");
        }
    }
}
