using System.Security.Cryptography.X509Certificates;

namespace Introspection.Client;

/// <summary>
/// How a client side (consumer or provider) checks the servers it dials over <c>https</c> and which certificate
/// it presents to them. Used for registry channels (<see cref="RegistryChannelOptions.Tls"/>) and for the
/// consumer's channels to provider instances (<see cref="ProviderChannelOptions.Tls"/>). Bound from
/// configuration (<c>...:Tls:CertificateAuthorityPath</c> and so on) and validated at startup: a file that is
/// missing or unreadable fails the start with the key to fix.
/// </summary>
/// <remarks>
/// A custom authority is added to the trust decision, it does not replace it with "accept anything": a server
/// certificate is accepted when the system store trusts it (unless <see cref="TrustSystemRoots"/> is false) or
/// when its chain builds to one of the custom authorities (custom-root-trust chain validation, server-auth usage,
/// <see cref="RevocationMode"/>); the host name must match in both cases.
/// </remarks>
public sealed class TlsClientOptions
{
    /// <summary>
    /// A PEM file with one or more CA certificates (no keys) trusted as roots for server certificates, besides
    /// the system store. Default: null (none).
    /// </summary>
    public string? CertificateAuthorityPath { get; set; }

    /// <summary>
    /// The name of an X.509 store whose certificates are trusted as roots for server certificates, besides the
    /// system store (<c>Root</c>, <c>CA</c>, <c>My</c> or a custom store name). Default: null (none).
    /// </summary>
    public string? CertificateAuthorityStoreName { get; set; }

    /// <summary>Location of <see cref="CertificateAuthorityStoreName"/>. Default: <see cref="StoreLocation.CurrentUser"/>.</summary>
    public StoreLocation CertificateAuthorityStoreLocation { get; set; } = StoreLocation.CurrentUser;

    /// <summary>
    /// Whether certificates the system store trusts are accepted too. False pins the servers to the custom
    /// authorities only (one of <see cref="CertificateAuthorityPath"/> or <see cref="CertificateAuthorityStoreName"/>
    /// is then required). Default: <c>true</c>.
    /// </summary>
    public bool TrustSystemRoots { get; set; } = true;

    /// <summary>
    /// The client certificate presented for mutual TLS: a PEM certificate (its key in <see cref="ClientKeyPath"/>
    /// or in the same file) or a PKCS#12 file (<c>.pfx</c> / <c>.p12</c>, password in
    /// <see cref="ClientCertificatePassword"/>). Default: null (no client certificate).
    /// </summary>
    public string? ClientCertificatePath { get; set; }

    /// <summary>The PEM private key of <see cref="ClientCertificatePath"/>, when it is in a file of its own. Default: null.</summary>
    public string? ClientKeyPath { get; set; }

    /// <summary>
    /// Password of a PKCS#12 <see cref="ClientCertificatePath"/> or of an encrypted PEM key. Never logged; keep it
    /// in a secret store or an environment variable, not in appsettings.json. Default: null.
    /// </summary>
    public string? ClientCertificatePassword { get; set; }

    /// <summary>A client certificate (with its private key) given in code instead of <see cref="ClientCertificatePath"/>. Default: null.</summary>
    public X509Certificate2? ClientCertificate { get; set; }

    /// <summary>
    /// Revocation check of server certificates (<see cref="X509RevocationMode.Online"/> needs the CRL or OCSP
    /// endpoints of the chain to be reachable). Default: <see cref="X509RevocationMode.NoCheck"/>, .NET's default
    /// for client connections.
    /// </summary>
    public X509RevocationMode RevocationMode { get; set; } = X509RevocationMode.NoCheck;
}
