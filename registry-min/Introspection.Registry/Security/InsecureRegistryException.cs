namespace Introspection.Registry.Security;

/// <summary>The registry would listen beyond loopback without authentication (<see cref="SecureDefaultsCheck"/>).</summary>
internal sealed class InsecureRegistryException(string message) : InvalidOperationException(message);
