namespace Introspection.Registry.Stores;

/// <summary>One row of the service → app mapping.</summary>
/// <param name="Service">Full gRPC service name.</param>
/// <param name="App">An app that provides it.</param>
public sealed record ServiceAppPair(string Service, string App);
