using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Introspection.Testing;

/// <summary>
/// A throw-away certificate authority made in the test (nothing is checked in): it issues server certificates for
/// loopback names and client certificates for mutual TLS, and writes PEM files for code that reads them from
/// configuration. ECDSA P-256 keeps generation in the milliseconds.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private readonly string _directory;

    private TestCertificates(X509Certificate2 authority, string directory)
    {
        Authority = authority;
        _directory = directory;
    }

    /// <summary>The CA certificate, with its private key.</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>The CA certificate as a PEM file (no key): what a client configures as a custom trusted root.</summary>
    public string AuthorityPemPath => Path.Combine(_directory, "ca.pem");

    /// <summary>Creates a new authority named <paramref name="name"/>, valid from a minute ago for a day.</summary>
    public static TestCertificates CreateAuthority(string name = "Introspection Test CA")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        var authority = request.CreateSelfSigned(now.AddMinutes(-1), now.AddDays(1));
        var directory = Directory.CreateTempSubdirectory("introspection-certs-").FullName;
        File.WriteAllText(Path.Combine(directory, "ca.pem"), authority.ExportCertificatePem());
        return new TestCertificates(authority, directory);
    }

    /// <summary>A server certificate for localhost, 127.0.0.1 and ::1 (plus <paramref name="extraDnsNames"/>), usage serverAuth.</summary>
    public X509Certificate2 IssueServer(string commonName = "localhost", params string[] extraDnsNames)
    {
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        foreach (var dns in extraDnsNames)
        {
            san.AddDnsName(dns);
        }

        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        return Issue(commonName, "1.3.6.1.5.5.7.3.1", san.Build());
    }

    /// <summary>A client certificate with subject <c>CN=<paramref name="commonName"/></c>, usage clientAuth.</summary>
    public X509Certificate2 IssueClient(string commonName) => Issue(commonName, "1.3.6.1.5.5.7.3.2", extension: null);

    /// <summary>
    /// A certificate with the given extended key usage OID (serverAuth 1.3.6.1.5.5.7.3.1, clientAuth
    /// 1.3.6.1.5.5.7.3.2), to test that the wrong usage is refused. <paramref name="notAfter"/> lets a test make an
    /// expired one.
    /// </summary>
    public X509Certificate2 Issue(string commonName, string extendedKeyUsageOid, X509Extension? extension, DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(extendedKeyUsageOid)], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Authority, true, false));
        if (extension is not null)
        {
            request.CertificateExtensions.Add(extension);
        }

        var now = DateTimeOffset.UtcNow;
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = request.Create(Authority, now.AddMinutes(-1), notAfter ?? now.AddHours(12), serial);
        // Re-import with the key as a PKCS#12 blob: SslStream on Linux needs a certificate whose key it can use
        // (an ephemeral CopyWithPrivateKey result works for clients, not always for Kestrel).
        using var withKey = issued.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), password: null);
    }

    /// <summary>Writes <paramref name="certificate"/> as <c>name.pem</c> and its key as <c>name.key</c>; returns both paths.</summary>
    public (string CertificatePath, string KeyPath) WritePem(X509Certificate2 certificate, string name)
    {
        var certificatePath = Path.Combine(_directory, name + ".pem");
        var keyPath = Path.Combine(_directory, name + ".key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        using var key = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("The certificate has no ECDSA key.");
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath);
    }

    public void Dispose()
    {
        Authority.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a server that is shutting down; the temp folder is cleaned by the OS.
        }
    }
}
