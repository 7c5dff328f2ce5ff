namespace Introspection.Bench.Load;

/// <summary>One registry entry a simulated process owns, and the lease that keeps it.</summary>
internal sealed class ProcessEntry
{
    public ProcessEntry(string registryApp, int service)
    {
        RegistryApp = registryApp;
        Service = service;
    }

    /// <summary>The registry "app" the entry is stored under: the app itself, or a service name in the full model.</summary>
    public string RegistryApp { get; }

    /// <summary>The service index in the full model; -1 for an introspection instance entry.</summary>
    public int Service { get; }

    public long LeaseId;

    /// <summary>1 while a (re-)registration of this entry is in flight: a NOT_FOUND for the old lease is then expected.</summary>
    public int Registering;
}
