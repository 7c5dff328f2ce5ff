using System.Security.Cryptography.X509Certificates;

namespace Introspection.Registry;

/// <summary>
/// Mutual TLS (<c>Introspection:Registry:Security:ClientCertificates</c>) on
/// <c>Microsoft.AspNetCore.Authentication.Certificate</c>: a client certificate must chain to
/// <see cref="TrustedCaFile"/>, carry the clientAuth extended key usage, pass the revocation check and match one
/// of <see cref="Principals"/>. Needs an HTTPS endpoint (<c>Kestrel:Endpoints:Https</c>).
/// </summary>
public sealed class RegistryClientCertificateOptions
{
    /// <summary>Whether Kestrel asks for (<see cref="RegistryClientCertificateMode.Allow"/>) or requires a client certificate. Default <see cref="RegistryClientCertificateMode.None"/>.</summary>
    public RegistryClientCertificateMode Mode { get; set; }

    /// <summary>PEM file of the CA certificate(s) client certificates must chain to (only these; the system store is not used). Required when <see cref="Mode"/> is set.</summary>
    public string? TrustedCaFile { get; set; }

    /// <summary>
    /// Revocation checking of client certificates. Default <see cref="X509RevocationMode.NoCheck"/>: a private CA
    /// made for service identities rarely publishes CRLs or OCSP, and <see cref="X509RevocationMode.Online"/> would
    /// then refuse every certificate (or stall handshakes on an unreachable CRL endpoint). Use short-lived
    /// certificates, or Online/Offline when your CA publishes revocation data.
    /// </summary>
    public X509RevocationMode RevocationMode { get; set; } = X509RevocationMode.NoCheck;

    /// <summary>Which certificates are which principal, by subject or thumbprint. A valid certificate that matches none is authenticated without grants.</summary>
    public IList<RegistryCertificatePrincipalOptions> Principals { get; set; } = [];
}
