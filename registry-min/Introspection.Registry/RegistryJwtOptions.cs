namespace Introspection.Registry;

/// <summary>
/// JWT bearer authentication (<c>Introspection:Registry:Security:Jwt</c>) on
/// <c>Microsoft.AspNetCore.Authentication.JwtBearer</c>: tokens of an OpenID Connect issuer
/// (<see cref="Authority"/>, keys from its discovery document) or, offline, signed by <see cref="SigningKeys"/>.
/// Lifetime, audience, issuer (when set) and signature are always validated.
/// </summary>
public sealed class RegistryJwtOptions
{
    /// <summary>The issuer's base address, e.g. <c>https://login.example.com/realms/prod</c>; its discovery document supplies the signing keys. Optional when <see cref="SigningKeys"/> are given.</summary>
    public string? Authority { get; set; }

    /// <summary>The audience tokens must be issued for (the <c>aud</c> claim). Setting it turns JWT authentication on.</summary>
    public string? Audience { get; set; }

    /// <summary>The issuer tokens must come from (the <c>iss</c> claim). Default: <see cref="Authority"/>'s issuer; with only <see cref="SigningKeys"/> and no issuer, any issuer.</summary>
    public string? Issuer { get; set; }

    /// <summary>
    /// Keys that sign tokens, for offline use and tests: PEM public keys (RSA or ECDSA, <c>-----BEGIN PUBLIC KEY-----</c>)
    /// or symmetric keys as base64 (at least 32 bytes). Default none.
    /// </summary>
    public IList<string> SigningKeys { get; set; } = [];

    /// <summary>The claim holding the principal's grants: a JSON array of grant strings, or one space-separated string. Default <c>introspection_grants</c>.</summary>
    public string GrantsClaim { get; set; } = "introspection_grants";

    /// <summary>The claim naming the principal. Default <c>sub</c>.</summary>
    public string NameClaim { get; set; } = "sub";

    /// <summary>Tolerated clock difference between the issuer and the registry. Default 1 minute.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Whether JWT authentication is on.</summary>
    public bool IsConfigured => !string.IsNullOrEmpty(Audience);
}
