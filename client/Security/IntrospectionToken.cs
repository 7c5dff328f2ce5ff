namespace Introspection.Client;

/// <summary>
/// A bearer credential (a JWT or an opaque API key) sent as <c>authorization: Bearer &lt;value&gt;</c>, and when it
/// stops being valid. <see cref="ToString"/> never shows the value, so a token that ends up in a log line or an
/// options dump reveals nothing.
/// </summary>
public sealed class IntrospectionToken
{
    /// <summary>Creates a token.</summary>
    /// <param name="value">The credential, without the <c>Bearer</c> prefix.</param>
    /// <param name="expiresAt">When it expires; null for a credential that does not (a static API key).</param>
    public IntrospectionToken(string value, DateTimeOffset? expiresAt = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        if (value.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException("A token must not contain line breaks.", nameof(value));
        }

        Value = value;
        ExpiresAt = expiresAt;
    }

    /// <summary>The credential, without the <c>Bearer</c> prefix.</summary>
    public string Value { get; }

    /// <summary>When the credential expires; null when it does not.</summary>
    public DateTimeOffset? ExpiresAt { get; }

    /// <summary>Whether the token is still valid at <paramref name="now"/>.</summary>
    public bool IsValidAt(DateTimeOffset now) => ExpiresAt is not { } expiry || now < expiry;

    /// <summary>A redacted description: the expiry, never the value.</summary>
    public override string ToString() => ExpiresAt is { } expiry ? $"Bearer *** (expires {expiry:O})" : "Bearer ***";
}
