using Introspection.Registry.Stores;

namespace Introspection.Registry.Services;

/// <summary>
/// Logs a store outage seen by KeepAlive once when it begins (with the exception) and once when a
/// renewal succeeds again; the failures in between are Debug lines without the exception. Every
/// provider renews every TTL/3, so a per-failure warning multiplies the log by the instance count
/// for as long as the outage lasts. A singleton: KeepAlive calls share one outage.
/// </summary>
internal sealed partial class RenewalOutageLog(ILogger<RenewalOutageLog> logger)
{
    private int _down;

    public void Failed(RegistryStoreUnavailableException exception)
    {
        if (Interlocked.Exchange(ref _down, 1) == 0)
        {
            Log.OutageBegan(logger, exception);
        }
        else
        {
            Log.StillUnavailable(logger, exception.Message);
        }
    }

    public void Succeeded()
    {
        // A plain read first: the common case (no outage) stays a read of a shared field.
        if (Volatile.Read(ref _down) == 1 && Interlocked.Exchange(ref _down, 0) == 1)
        {
            Log.Recovered(logger);
        }
    }
}
