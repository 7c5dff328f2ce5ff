namespace Introspection.Provider.Internal;

/// <summary>Where the instance is in its lifecycle, for the health check.</summary>
internal enum ProviderState
{
    Starting,
    Running,
    Failed,
    ShuttingDown,
}
