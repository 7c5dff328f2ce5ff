namespace Introspection.Registry.Leases;

/// <summary>What a registry-initiated health probe of an instance found.</summary>
internal enum ProbeOutcome
{
    /// <summary>The instance answered SERVING for the metadata service.</summary>
    Serving,

    /// <summary>The instance answered, but not SERVING (NOT_SERVING, UNKNOWN, SERVICE_UNKNOWN or an error status).</summary>
    NotServing,

    /// <summary>No answer within the probe timeout.</summary>
    Timeout,

    /// <summary>The address could not be reached (connection refused, DNS, reset).</summary>
    Unreachable,
}
