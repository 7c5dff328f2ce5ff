namespace Introspection.Registry.Stores;

/// <summary>
/// A change would pass one of the registry's caps (<see cref="RegistryLimitsOptions"/>). Nothing was
/// changed. The service layer answers RESOURCE_EXHAUSTED with <see cref="Exception.Message"/>, which
/// names the limit's configuration key. Stores check their caps atomically with the change (Redis:
/// inside the script), so several registry nodes cannot pass a cap together.
/// </summary>
public sealed class RegistryLimitExceededException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public RegistryLimitExceededException()
        : base("A registry limit was reached.")
    {
        Limit = string.Empty;
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    /// <param name="message">Which limit, its value and what hit it.</param>
    public RegistryLimitExceededException(string message)
        : base(message)
    {
        Limit = string.Empty;
    }

    /// <summary>Creates the exception with <paramref name="message"/> and an inner exception.</summary>
    /// <param name="message">Which limit, its value and what hit it.</param>
    /// <param name="innerException">The backend's own error, if any.</param>
    public RegistryLimitExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
        Limit = string.Empty;
    }

    /// <summary>Creates the exception for the limit <paramref name="limit"/> (its <c>Limits</c> option name) of value <paramref name="max"/>.</summary>
    /// <param name="limit">The option name under <c>Introspection:Registry:Limits</c>, e.g. <c>MaxInstancesPerNamespace</c>.</param>
    /// <param name="max">The configured value.</param>
    /// <param name="what">What reached it, e.g. "namespace 'default'".</param>
    public RegistryLimitExceededException(string limit, long max, string what)
        : base($"Limit {RegistryOptions.SectionName}:Limits:{limit} ({max}) reached: {what}.")
    {
        Limit = limit;
        Max = max;
    }

    /// <summary>The option name of the limit under <c>Introspection:Registry:Limits</c> (empty when not known).</summary>
    public string Limit { get; }

    /// <summary>The configured value of the limit.</summary>
    public long Max { get; }
}
