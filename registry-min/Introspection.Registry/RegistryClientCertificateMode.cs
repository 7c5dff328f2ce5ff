namespace Introspection.Registry;

/// <summary>Whether the registry asks TLS clients for a certificate (mutual TLS).</summary>
public enum RegistryClientCertificateMode
{
    /// <summary>No client certificates (the default).</summary>
    None = 0,

    /// <summary>Kestrel asks for a certificate; callers without one may still use a bearer token.</summary>
    Allow = 1,

    /// <summary>Kestrel refuses the TLS handshake without a valid certificate (every endpoint, health included).</summary>
    Require = 2,
}
