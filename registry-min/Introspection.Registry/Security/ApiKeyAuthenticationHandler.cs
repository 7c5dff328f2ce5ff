using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Introspection.Registry.Security;

/// <summary>
/// Authenticates <c>authorization: Bearer &lt;api key&gt;</c> against the configured SHA-256 hashes. Every configured
/// hash is compared (in constant time) whatever matches, so the answer time does not tell which key is close.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(IOptionsMonitor<ApiKeyAuthenticationOptions> options, ILoggerFactory logger, UrlEncoder encoder, RegistryCredentials credentials)
    : AuthenticationHandler<ApiKeyAuthenticationOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = RegistryAuthenticationSchemes.BearerToken(Context);
        if (token is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(token), hash);
        RegistryCredentials.ApiKey? match = null;
        foreach (var key in credentials.ApiKeys)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, key.Hash) && match is null)
            {
                match = key;
            }
        }

        if (match is null)
        {
            // Never the token itself: it may be a real key of another registry, or a typo of a real one.
            return Task.FromResult(AuthenticateResult.Fail(!credentials.JwtConfigured && RegistryAuthenticationSchemes.LooksLikeJwt(token)
                ? "the bearer token looks like a JWT but JWT authentication is not configured (Introspection:Registry:Security:Jwt:Audience)"
                : "the bearer token is not a known API key"));
        }

        var identity = new ClaimsIdentity(Scheme.Name, RegistryAuthenticationSchemes.NameClaim, ClaimTypes.Role);
        identity.AddClaim(new Claim(RegistryAuthenticationSchemes.NameClaim, match.Name));
        foreach (var grant in match.Grants)
        {
            identity.AddClaim(new Claim(RegistryAuthenticationSchemes.GrantClaim, grant.ToString()));
        }

        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }
}
