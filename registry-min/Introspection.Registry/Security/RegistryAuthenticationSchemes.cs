namespace Introspection.Registry.Security;

/// <summary>The authentication schemes the registry registers (names show in the audit log as the caller's scheme).</summary>
internal static class RegistryAuthenticationSchemes
{
    /// <summary>The policy scheme that picks one of the others by the shape of the credential.</summary>
    public const string Policy = "Introspection";

    public const string ApiKey = "ApiKey";

    public const string Jwt = "JwtBearer";

    public const string Certificate = "Certificate";

    public const string Anonymous = "Anonymous";

    /// <summary>Claim types the API key and certificate handlers issue.</summary>
    public const string NameClaim = "introspection_name";

    public const string GrantClaim = "introspection_grant";

    /// <summary>
    /// The bearer token of an <c>authorization: Bearer &lt;token&gt;</c> header, or null. The value is only ever
    /// compared or hashed, never logged.
    /// </summary>
    public static string? BearerToken(Microsoft.AspNetCore.Http.HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        if (!header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = header[prefix.Length..].Trim();
        return token.Length == 0 ? null : token;
    }

    /// <summary>A JWT is three base64url segments separated by dots; an API key has no dots.</summary>
    public static bool LooksLikeJwt(string token) => token.Count(static c => c == '.') == 2;
}
