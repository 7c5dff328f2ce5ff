namespace Introspection.Registry;

/// <summary>
/// One static API key (<c>Introspection:Registry:Security:ApiKeys:N</c>). Only its SHA-256 is configured, so a
/// leaked configuration file does not leak the key; keys are compared in constant time and never logged.
/// Generate keys without dots (a token with two dots is taken for a JWT), e.g. <c>intro_</c> + 32 random bytes
/// base64url, and hash them with <c>printf %s "$KEY" | sha256sum</c>.
/// </summary>
public sealed class RegistryApiKeyOptions
{
    /// <summary>
    /// The principal name the key authenticates as (audit log, lease ownership, limits). Required. Two keys may name
    /// the same principal: that is how a key is rotated (add the new one, move the clients, remove the old one).
    /// </summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Hex of the SHA-256 of the key's UTF-8 bytes (64 hex digits, any case). Required.</summary>
    public string Sha256 { get; set; } = string.Empty;

    /// <summary>The principal's grants, e.g. <c>prod:write:orders-*</c>, <c>prod:read</c>, <c>*:admin</c>.</summary>
    public IList<string> Grants { get; set; } = [];
}
