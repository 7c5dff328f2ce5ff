using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Introspection.Client.Internal;

/// <summary>
/// <see cref="TlsClientOptions"/> with its files read: the custom roots and the client certificate, loaded once at
/// startup (so a bad file fails the start, not the first call), applied to every <see cref="SocketsHttpHandler"/>
/// of one kind of channel.
/// </summary>
internal sealed partial class TlsClientSettings
{
    private static readonly Oid s_serverAuth = new("1.3.6.1.5.5.7.3.1", "Server Authentication");

    private readonly X509Certificate2Collection _roots;
    private readonly X509Certificate2? _clientCertificate;
    private readonly bool _trustSystemRoots;
    private readonly X509RevocationMode _revocationMode;
    private readonly ILogger _logger;

    private TlsClientSettings(X509Certificate2Collection roots, X509Certificate2? clientCertificate, TlsClientOptions options, ILogger logger)
    {
        _roots = roots;
        _clientCertificate = clientCertificate;
        _trustSystemRoots = options.TrustSystemRoots;
        _revocationMode = options.RevocationMode;
        _logger = logger;
    }

    /// <summary>Whether anything differs from .NET's defaults (system trust, no client certificate, no revocation check).</summary>
    public bool IsCustomized => _roots.Count > 0 || _clientCertificate is not null || !_trustSystemRoots || _revocationMode != X509RevocationMode.NoCheck;

    /// <summary>Loads the files of <paramref name="options"/>; throws <see cref="InvalidOperationException"/> naming the key under <paramref name="prefix"/>.</summary>
    public static TlsClientSettings Load(TlsClientOptions? options, string prefix, ILogger logger)
    {
        var errors = new List<string>();
        var settings = TryLoad(options ?? new TlsClientOptions(), prefix, logger, errors);
        return settings ?? throw new InvalidOperationException(string.Join(" ", errors));
    }

    /// <summary>Loads, or adds every problem to <paramref name="errors"/> (each naming its key) and returns null.</summary>
    public static TlsClientSettings? TryLoad(TlsClientOptions options, string prefix, ILogger logger, List<string> errors)
    {
        var before = errors.Count;
        var roots = new X509Certificate2Collection();
        if (options.CertificateAuthorityPath is { Length: > 0 } caPath)
        {
            if (!File.Exists(caPath))
            {
                errors.Add($"{prefix}:CertificateAuthorityPath: the file '{caPath}' does not exist.");
            }
            else
            {
                try
                {
                    var count = roots.Count;
                    roots.ImportFromPemFile(caPath);
                    if (roots.Count == count)
                    {
                        errors.Add($"{prefix}:CertificateAuthorityPath: '{caPath}' holds no PEM certificate.");
                    }
                }
                catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
                {
                    errors.Add($"{prefix}:CertificateAuthorityPath: '{caPath}' cannot be read as PEM certificates: {ex.Message}");
                }
            }
        }

        if (options.CertificateAuthorityStoreName is { Length: > 0 } storeName)
        {
            try
            {
                using var store = new X509Store(storeName, options.CertificateAuthorityStoreLocation);
                store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
                if (store.Certificates.Count == 0)
                {
                    errors.Add($"{prefix}:CertificateAuthorityStoreName: the store '{storeName}' ({options.CertificateAuthorityStoreLocation}) is empty.");
                }

                roots.AddRange(store.Certificates);
            }
            catch (CryptographicException ex)
            {
                errors.Add($"{prefix}:CertificateAuthorityStoreName: the store '{storeName}' ({options.CertificateAuthorityStoreLocation}) cannot be opened: {ex.Message}");
            }
        }

        if (!options.TrustSystemRoots && options.CertificateAuthorityPath is not { Length: > 0 } && options.CertificateAuthorityStoreName is not { Length: > 0 })
        {
            errors.Add($"{prefix}:TrustSystemRoots: false needs CertificateAuthorityPath or CertificateAuthorityStoreName, or no server would be trusted.");
        }

        var clientCertificate = LoadClientCertificate(options, prefix, errors);
        if (errors.Count > before)
        {
            return null;
        }

        return new TlsClientSettings(roots, clientCertificate, options, logger);
    }

    /// <summary>Applies the trust, the client certificate and the revocation mode to <paramref name="handler"/>.</summary>
    public void Apply(SocketsHttpHandler handler)
    {
        handler.SslOptions.CertificateRevocationCheckMode = _revocationMode;
        if (_clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [_clientCertificate];
        }

        if (_roots.Count > 0 || !_trustSystemRoots)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = Validate;
        }
    }

    private bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        var host = (sender as SslStream)?.TargetHostName ?? "?";
        if (errors == SslPolicyErrors.None && _trustSystemRoots)
        {
            return true;
        }

        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0)
        {
            Log.ServerCertificateRejected(_logger, host, certificate?.Subject ?? "(none)", errors.ToString());
            return false;
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_roots);
        custom.ChainPolicy.RevocationMode = _revocationMode;
        custom.ChainPolicy.ApplicationPolicy.Add(s_serverAuth);
        if (chain is not null)
        {
            // Intermediates the server sent.
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        if (custom.Build(leaf))
        {
            return true;
        }

        var why = string.Join(", ", custom.ChainStatus.Select(s => s.Status.ToString()).Distinct(StringComparer.Ordinal));
        Log.ServerCertificateRejected(_logger, host, leaf.Subject, $"not issued by a trusted authority ({why})");
        return false;
    }

    private static X509Certificate2? LoadClientCertificate(TlsClientOptions options, string prefix, List<string> errors)
    {
        var path = options.ClientCertificatePath;
        if (options.ClientKeyPath is { Length: > 0 } && path is not { Length: > 0 })
        {
            errors.Add($"{prefix}:ClientKeyPath: set without ClientCertificatePath; give the certificate file too.");
            return null;
        }

        if (path is not { Length: > 0 })
        {
            return options.ClientCertificate;
        }

        if (options.ClientCertificate is not null)
        {
            errors.Add($"{prefix}:ClientCertificatePath: both a file and a ClientCertificate object are given; keep one.");
            return null;
        }

        if (!File.Exists(path))
        {
            errors.Add($"{prefix}:ClientCertificatePath: the file '{path}' does not exist.");
            return null;
        }

        if (options.ClientKeyPath is { Length: > 0 } keyPath && !File.Exists(keyPath))
        {
            errors.Add($"{prefix}:ClientKeyPath: the file '{keyPath}' does not exist.");
            return null;
        }

        try
        {
            X509Certificate2 certificate;
            if (path.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".p12", StringComparison.OrdinalIgnoreCase))
            {
                certificate = X509CertificateLoader.LoadPkcs12FromFile(path, options.ClientCertificatePassword);
            }
            else
            {
                using var pem = options.ClientCertificatePassword is { Length: > 0 } password
                    ? X509Certificate2.CreateFromEncryptedPemFile(path, password, options.ClientKeyPath)
                    : X509Certificate2.CreateFromPemFile(path, options.ClientKeyPath);
                // An ephemeral PEM key cannot always be used by SslStream; a PKCS#12 round trip gives it a usable one.
                certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
            }

            if (!certificate.HasPrivateKey)
            {
                certificate.Dispose();
                errors.Add($"{prefix}:ClientCertificatePath: '{path}' has no private key; set ClientKeyPath.");
                return null;
            }

            return certificate;
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            errors.Add($"{prefix}:ClientCertificatePath: '{path}' cannot be loaded as a certificate with its private key: {ex.Message}");
            return null;
        }
    }
}
