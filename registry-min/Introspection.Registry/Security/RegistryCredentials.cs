using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Introspection.Registry.Security;

/// <summary>
/// The security settings parsed once: key hashes, grants, certificate principals, the trusted CA, JWT signing
/// keys. <see cref="RegistrySecurityOptionsValidator"/> has already refused anything that does not parse, with a
/// message naming the key.
/// </summary>
internal sealed class RegistryCredentials
{
    public RegistryCredentials(IOptions<RegistryOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var security = options.Value.Security;
        IsAuthenticationConfigured = security.IsAuthenticationConfigured;
        AllowAnonymous = security.AllowAnonymous;
        JwtConfigured = security.Jwt.IsConfigured;
        Jwt = security.Jwt;
        ClientCertificateMode = security.ClientCertificates.Mode;
        RevocationMode = security.ClientCertificates.RevocationMode;
        AnonymousGrants = ParseGrants(security.AnonymousGrants);
        ApiKeys = [.. security.ApiKeys.Select(static k => new ApiKey(k.Name, Convert.FromHexString(k.Sha256), ParseGrants(k.Grants)))];
        CertificatePrincipals = [.. security.ClientCertificates.Principals.Select(static p => new CertificatePrincipal(
            p.Subject, p.Thumbprint?.Replace(":", string.Empty, StringComparison.Ordinal).ToUpperInvariant(), p.Name ?? p.Subject ?? p.Thumbprint ?? string.Empty, ParseGrants(p.Grants)))];
        TrustedAuthorities = new X509Certificate2Collection();
        if (ClientCertificateMode != RegistryClientCertificateMode.None && security.ClientCertificates.TrustedCaFile is { } caFile)
        {
            TrustedAuthorities.ImportFromPemFile(caFile);
        }

        SigningKeys = [.. security.Jwt.SigningKeys.Select(static k => ParseSigningKey(k, out _)!)];
    }

    public bool IsAuthenticationConfigured { get; }

    public bool AllowAnonymous { get; }

    public bool JwtConfigured { get; }

    public RegistryJwtOptions Jwt { get; }

    public RegistryClientCertificateMode ClientCertificateMode { get; }

    public X509RevocationMode RevocationMode { get; }

    public IReadOnlyList<RegistryGrant> AnonymousGrants { get; }

    public IReadOnlyList<ApiKey> ApiKeys { get; }

    public IReadOnlyList<CertificatePrincipal> CertificatePrincipals { get; }

    public X509Certificate2Collection TrustedAuthorities { get; }

    public IReadOnlyList<SecurityKey> SigningKeys { get; }

    /// <summary>The principal a validated client certificate is, or null when none is configured for it.</summary>
    public CertificatePrincipal? Match(X509Certificate2 certificate)
    {
        var sha1 = certificate.Thumbprint;
        var sha256 = certificate.GetCertHashString(HashAlgorithmName.SHA256);
        foreach (var principal in CertificatePrincipals)
        {
            if (principal.Thumbprint is { } thumbprint
                ? string.Equals(thumbprint, sha1, StringComparison.OrdinalIgnoreCase) || string.Equals(thumbprint, sha256, StringComparison.OrdinalIgnoreCase)
                : string.Equals(principal.Subject, certificate.Subject, StringComparison.Ordinal))
            {
                return principal;
            }
        }

        return null;
    }

    /// <summary>
    /// Validates a client certificate the way the TLS handshake and the certificate handler both must: chains to
    /// <see cref="TrustedAuthorities"/> only, has the clientAuth usage, is in its validity period, revocation as configured.
    /// </summary>
    public bool IsTrustedClientCertificate(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(TrustedAuthorities);
        chain.ChainPolicy.RevocationMode = RevocationMode;
        chain.ChainPolicy.RevocationFlag = X509RevocationFlag.ExcludeRoot;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.2"));
        return chain.Build(certificate);
    }

    public static IReadOnlyList<RegistryGrant> ParseGrants(IEnumerable<string> grants)
    {
        var parsed = new List<RegistryGrant>();
        foreach (var text in grants)
        {
            if (RegistryGrant.TryParse(text, out var grant, out _))
            {
                parsed.Add(grant!);
            }
        }

        return parsed;
    }

    /// <summary>A PEM public key (RSA or ECDSA) or a base64 symmetric key of at least 32 bytes.</summary>
    public static SecurityKey? ParseSigningKey(string text, out string? error)
    {
        error = null;
        if (text.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            try
            {
                var rsa = RSA.Create();
                rsa.ImportFromPem(text);
                return new RsaSecurityKey(rsa);
            }
            catch (ArgumentException)
            {
            }
            catch (CryptographicException)
            {
            }

            try
            {
                var ecdsa = ECDsa.Create();
                ecdsa.ImportFromPem(text);
                return new ECDsaSecurityKey(ecdsa);
            }
            catch (Exception ex) when (ex is ArgumentException or CryptographicException)
            {
                error = "is a PEM block but neither an RSA nor an ECDSA public key";
                return null;
            }
        }

        try
        {
            var bytes = Convert.FromBase64String(text);
            if (bytes.Length < 32)
            {
                error = string.Create(CultureInfo.InvariantCulture, $"is a symmetric key of {bytes.Length} bytes; at least 32 are needed");
                return null;
            }

            return new SymmetricSecurityKey(bytes);
        }
        catch (FormatException)
        {
            error = "is neither a PEM public key nor base64";
            return null;
        }
    }

    internal sealed record ApiKey(string Name, byte[] Hash, IReadOnlyList<RegistryGrant> Grants);

    internal sealed record CertificatePrincipal(string? Subject, string? Thumbprint, string Name, IReadOnlyList<RegistryGrant> Grants);
}
