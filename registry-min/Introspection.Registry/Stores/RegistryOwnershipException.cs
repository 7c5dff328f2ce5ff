namespace Introspection.Registry.Stores;

/// <summary>
/// The instance a call names is owned by another principal (<see cref="LeaseOwnership"/>). Nothing was
/// changed. The service answers PERMISSION_DENIED; the message names the instance, never the owner.
/// </summary>
public sealed class RegistryOwnershipException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public RegistryOwnershipException()
        : base("The instance is owned by another principal.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    /// <param name="message">Which instance.</param>
    public RegistryOwnershipException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and an inner exception.</summary>
    /// <param name="message">Which instance.</param>
    /// <param name="innerException">The backend's own error, if any.</param>
    public RegistryOwnershipException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The exception for instance <paramref name="instanceId"/> of <paramref name="app"/> in <paramref name="ns"/>.</summary>
    /// <param name="ns">Namespace.</param>
    /// <param name="app">App.</param>
    /// <param name="instanceId">Instance id.</param>
    public RegistryOwnershipException(string ns, string app, string instanceId)
        : base($"Instance '{instanceId}' of app '{app}' in namespace '{ns}' is owned by another principal: only its owner or an admin of the namespace may change it.")
    {
    }
}
