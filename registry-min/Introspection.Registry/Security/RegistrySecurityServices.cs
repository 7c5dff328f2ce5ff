using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Certificate;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Introspection.Registry.Security;

/// <summary>
/// Wires authentication for the registry: one policy scheme that forwards to API key, JWT bearer or client
/// certificate by the shape of the credential, each configured from <see cref="RegistrySecurityOptions"/>; Kestrel's
/// client-certificate mode; the authorizer, limits, audit and the secure-default check. The registry authenticates
/// inside its interceptor (<see cref="RegistryAuthorizer"/>), so an embedding app needs no middleware.
/// </summary>
internal static class RegistrySecurityServices
{
    public static void Add(IServiceCollection services)
    {
        services.TryAddSingleton<RegistryCredentials>();
        services.TryAddSingleton<RegistryAudit>();
        services.TryAddSingleton<RegistryCallLimits>();
        services.TryAddSingleton<RegistryAuthMetrics>();
        services.TryAddSingleton<SecureDefaultsCheck>();
        services.AddHostedService(static sp => sp.GetRequiredService<SecureDefaultsCheck>());

        services.AddAuthentication()
            .AddPolicyScheme(RegistryAuthenticationSchemes.Policy, "Introspection registry credentials", static _ => { })
            .AddScheme<ApiKeyAuthenticationOptions, ApiKeyAuthenticationHandler>(RegistryAuthenticationSchemes.ApiKey, static _ => { })
            .AddJwtBearer(RegistryAuthenticationSchemes.Jwt, static _ => { })
            .AddCertificate(RegistryAuthenticationSchemes.Certificate, static _ => { });

        // Every setup below resolves RegistryCredentials (hence the validated RegistryOptions) only when the options
        // are first used, not when the host is built: invalid settings must fail at StartAsync with the validator's
        // message (ValidateOnStart), as every other registry setting does.
        services.AddOptions<PolicySchemeOptions>(RegistryAuthenticationSchemes.Policy).Configure(static o =>
            o.ForwardDefaultSelector = static context => SelectScheme(context, context.RequestServices.GetRequiredService<RegistryCredentials>()));

        services.AddOptions<JwtBearerOptions>(RegistryAuthenticationSchemes.Jwt).Configure<IServiceProvider>(static (o, sp) =>
        {
            var credentials = sp.GetRequiredService<RegistryCredentials>();
            var jwt = credentials.Jwt;
            if (!jwt.IsConfigured)
            {
                return;
            }

            // Claim names as the issuer wrote them ("sub", not the long WS-Federation URIs).
            o.MapInboundClaims = false;
            o.Authority = string.IsNullOrEmpty(jwt.Authority) ? null : jwt.Authority;
            o.Audience = jwt.Audience;
            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidateAudience = true,
                ValidAudience = jwt.Audience,
                ValidateIssuer = !string.IsNullOrEmpty(jwt.Issuer) || !string.IsNullOrEmpty(jwt.Authority),
                ValidIssuer = string.IsNullOrEmpty(jwt.Issuer) ? null : jwt.Issuer,
                ValidateLifetime = true,
                RequireExpirationTime = true,
                RequireSignedTokens = true,
                ValidateIssuerSigningKey = true,
                IssuerSigningKeys = credentials.SigningKeys.Count == 0 ? null : credentials.SigningKeys,
                ClockSkew = jwt.ClockSkew,
                NameClaimType = jwt.NameClaim,
            };
        });

        services.AddOptions<CertificateAuthenticationOptions>(RegistryAuthenticationSchemes.Certificate).Configure<IServiceProvider>(static (o, sp) =>
        {
            var credentials = sp.GetRequiredService<RegistryCredentials>();
            o.AllowedCertificateTypes = CertificateTypes.Chained;
            o.ChainTrustValidationMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
            o.CustomTrustStore.AddRange(credentials.TrustedAuthorities);
            o.ValidateCertificateUse = true;
            o.ValidateValidityPeriod = true;
            o.RevocationMode = credentials.RevocationMode;
            o.Events = new CertificateAuthenticationEvents
            {
                OnCertificateValidated = context =>
                {
                    var certificate = context.ClientCertificate;
                    var principal = credentials.Match(certificate);
                    var identity = new ClaimsIdentity(context.Scheme.Name, RegistryAuthenticationSchemes.NameClaim, ClaimTypes.Role);
                    identity.AddClaim(new Claim(RegistryAuthenticationSchemes.NameClaim, principal?.Name ?? certificate.Subject));
                    foreach (var grant in principal?.Grants ?? [])
                    {
                        identity.AddClaim(new Claim(RegistryAuthenticationSchemes.GrantClaim, grant.ToString()));
                    }

                    context.Principal = new ClaimsPrincipal(identity);
                    context.Success();
                    return Task.CompletedTask;
                },
            };
        });

        // Ask TLS clients for a certificate on every HTTPS endpoint (configured ones included: Kestrel applies
        // these defaults to Kestrel:Endpoints too), and refuse at the handshake one that does not chain to the
        // configured CA or lacks clientAuth: a stranger's certificate never reaches the application. Kestrel's
        // options are built with the host, before option validation, so the settings are read only when an HTTPS
        // endpoint is bound (server start). An app embedding the registry that sets its own HttpsDefaults after
        // AddIntrospectionRegistry replaces these (Kestrel keeps one such callback).
        services.AddOptions<KestrelServerOptions>().Configure<IServiceProvider>(static (kestrel, sp) => kestrel.ConfigureHttpsDefaults(https =>
        {
            var credentials = sp.GetRequiredService<RegistryCredentials>();
            if (credentials.ClientCertificateMode == RegistryClientCertificateMode.None)
            {
                return;
            }

            https.ClientCertificateMode = credentials.ClientCertificateMode == RegistryClientCertificateMode.Require
                ? ClientCertificateMode.RequireCertificate
                : ClientCertificateMode.AllowCertificate;
            https.ClientCertificateValidation = (certificate, _, _) => credentials.IsTrustedClientCertificate(certificate);
        }));
    }

    private static string SelectScheme(HttpContext context, RegistryCredentials credentials)
    {
        var token = RegistryAuthenticationSchemes.BearerToken(context);
        if (token is not null)
        {
            return credentials.JwtConfigured && RegistryAuthenticationSchemes.LooksLikeJwt(token)
                ? RegistryAuthenticationSchemes.Jwt
                : RegistryAuthenticationSchemes.ApiKey;
        }

        if (credentials.ClientCertificateMode != RegistryClientCertificateMode.None && context.Connection.ClientCertificate is not null)
        {
            return RegistryAuthenticationSchemes.Certificate;
        }

        // No credential at all: the API key handler answers "no result".
        return RegistryAuthenticationSchemes.ApiKey;
    }
}
