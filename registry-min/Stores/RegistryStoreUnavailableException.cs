namespace Introspection.Registry.Stores;

/// <summary>
/// The backing store cannot be reached (or did not answer in time). The service layer answers
/// UNAVAILABLE (KeepAlive: code 14 on the one response) and the sweeper skips the sweep.
/// </summary>
internal sealed class RegistryStoreUnavailableException : Exception
{
    public RegistryStoreUnavailableException()
        : base("The registry store is unavailable.")
    {
    }

    public RegistryStoreUnavailableException(string message)
        : base(message)
    {
    }

    public RegistryStoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
