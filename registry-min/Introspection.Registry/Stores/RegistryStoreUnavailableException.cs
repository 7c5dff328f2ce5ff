namespace Introspection.Registry.Stores;

/// <summary>
/// The backing store cannot be reached (or did not answer in time). The service layer answers
/// UNAVAILABLE (KeepAlive: code 14 on the one response) and the sweeper skips the sweep. A store
/// throws it (and only it) for every failure of its backend, so callers need to know no backend's
/// exception types.
/// </summary>
public sealed class RegistryStoreUnavailableException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public RegistryStoreUnavailableException()
        : base("The registry store is unavailable.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    /// <param name="message">What could not be reached, for logs.</param>
    public RegistryStoreUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the backend's own exception.</summary>
    /// <param name="message">What could not be reached, for logs.</param>
    /// <param name="innerException">The backend client's exception (connection error, timeout, ...).</param>
    public RegistryStoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
