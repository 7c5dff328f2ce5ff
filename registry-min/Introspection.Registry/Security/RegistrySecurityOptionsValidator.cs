using System.Globalization;

namespace Introspection.Registry.Security;

/// <summary>Checks <c>Introspection:Registry:Security</c>: every grant parses, hashes are SHA-256 hex, files exist, keys load.</summary>
internal static class RegistrySecurityOptionsValidator
{
    public static void Validate(RegistryOptions options, List<string> failures)
    {
        var security = options.Security;
        var prefix = RegistrySecurityOptions.SectionName;
        CheckGrants($"{prefix}:AnonymousGrants", security.AnonymousGrants, failures);

        for (var i = 0; i < security.ApiKeys.Count; i++)
        {
            var key = security.ApiKeys[i];
            var at = string.Create(CultureInfo.InvariantCulture, $"{prefix}:ApiKeys:{i}");
            if (string.IsNullOrWhiteSpace(key.Name) || key.Name.Contains('\n', StringComparison.Ordinal))
            {
                failures.Add($"{at}:Name must be set (one line).");
            }

            if (key.Sha256 is not { Length: 64 } || !key.Sha256.All(Uri.IsHexDigit))
            {
                // The value itself is not echoed: a key pasted here by mistake must not reach the log.
                failures.Add($"{at}:Sha256 must be the 64 hex digits of the key's SHA-256 (e.g. printf %s \"$KEY\" | sha256sum), not the key.");
            }

            CheckGrants($"{at}:Grants", key.Grants, failures);
        }

        var jwt = security.Jwt;
        if (jwt.IsConfigured)
        {
            if (string.IsNullOrEmpty(jwt.Authority) && jwt.SigningKeys.Count == 0)
            {
                failures.Add($"{prefix}:Jwt needs Authority (an OpenID Connect issuer) or SigningKeys.");
            }

            for (var i = 0; i < jwt.SigningKeys.Count; i++)
            {
                if (RegistryCredentials.ParseSigningKey(jwt.SigningKeys[i], out var error) is null)
                {
                    failures.Add(string.Create(CultureInfo.InvariantCulture, $"{prefix}:Jwt:SigningKeys:{i} {error}."));
                }
            }

            if (string.IsNullOrWhiteSpace(jwt.GrantsClaim) || string.IsNullOrWhiteSpace(jwt.NameClaim))
            {
                failures.Add($"{prefix}:Jwt:GrantsClaim and NameClaim must be claim names.");
            }

            if (jwt.ClockSkew < TimeSpan.Zero || jwt.ClockSkew > TimeSpan.FromMinutes(10))
            {
                failures.Add($"{prefix}:Jwt:ClockSkew must be in [0, 10 min], got {jwt.ClockSkew}.");
            }
        }
        else if (!string.IsNullOrEmpty(jwt.Authority) || jwt.SigningKeys.Count > 0)
        {
            failures.Add($"{prefix}:Jwt:Audience must be set when Authority or SigningKeys are (tokens are only accepted for a named audience).");
        }

        var certificates = security.ClientCertificates;
        if (!Enum.IsDefined(certificates.Mode))
        {
            failures.Add($"{prefix}:ClientCertificates:Mode must be None, Allow or Require.");
        }

        if (certificates.Mode != RegistryClientCertificateMode.None)
        {
            if (string.IsNullOrEmpty(certificates.TrustedCaFile) || !File.Exists(certificates.TrustedCaFile))
            {
                failures.Add($"{prefix}:ClientCertificates:TrustedCaFile must name an existing PEM file of the CA client certificates chain to, got '{certificates.TrustedCaFile}'.");
            }
        }

        for (var i = 0; i < certificates.Principals.Count; i++)
        {
            var principal = certificates.Principals[i];
            var at = string.Create(CultureInfo.InvariantCulture, $"{prefix}:ClientCertificates:Principals:{i}");
            if (string.IsNullOrEmpty(principal.Subject) == string.IsNullOrEmpty(principal.Thumbprint))
            {
                failures.Add($"{at} must set exactly one of Subject and Thumbprint.");
            }

            CheckGrants($"{at}:Grants", principal.Grants, failures);
        }
    }

    private static void CheckGrants(string key, IList<string> grants, List<string> failures)
    {
        for (var i = 0; i < grants.Count; i++)
        {
            if (!RegistryGrant.TryParse(grants[i], out _, out var error))
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{key}:{i}: {error}."));
            }
        }
    }
}
