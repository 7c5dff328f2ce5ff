using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Introspection.Protocol;

/// <summary>
/// The name and size rules of the wire contract (<c>registry.proto</c>, "Common rules" and the field
/// comments of <c>Instance</c>, <c>WatchRequest</c> and <c>MapServicesRequest</c>), in one place for
/// every part: the registry enforces them on each request, a provider and a client check their options
/// against them at startup, so a bad name fails where it is written rather than at the registry.
/// </summary>
/// <remarks>
/// <para>These rules are fixed: every registry answers <c>INVALID_ARGUMENT</c> (bad shape) or
/// <c>RESOURCE_EXHAUSTED</c> (too many) when they are broken. The label caps are different: a registry
/// chooses them in its options (<c>Introspection:Registry:Limits</c>) and may raise them; only their
/// defaults are here (<see cref="DefaultMaxLabels"/>, <see cref="DefaultMaxLabelBytes"/>,
/// <see cref="DefaultMaxLabelValueBytes"/>).</para>
/// <para>Names are ASCII by their charset, so their length in bytes equals their length in characters.
/// The <c>TryValidate*</c> methods answer an error text that names <c>field</c> (the caller's name for
/// it: a proto field such as <c>instance.app</c> or a configuration key) and the broken limit.</para>
/// </remarks>
public static class WireContract
{
    /// <summary>The namespace an empty <c>namespace</c> field means.</summary>
    public const string DefaultNamespace = "default";

    /// <summary>Longest namespace: 63 bytes of <see cref="NamespaceCharset"/>.</summary>
    public const int MaxNamespaceBytes = 63;

    /// <summary>Longest app name: 128 bytes of <see cref="NameCharset"/>.</summary>
    public const int MaxAppBytes = 128;

    /// <summary>Longest instance id: 200 bytes of <see cref="NameCharset"/>.</summary>
    public const int MaxInstanceIdBytes = 200;

    /// <summary>Longest full gRPC service name: 256 bytes of <see cref="ServiceCharset"/>.</summary>
    public const int MaxServiceBytes = 256;

    /// <summary>Longest host: 253 bytes (an RFC 1123 DNS name; IP literals are shorter).</summary>
    public const int MaxHostBytes = 253;

    /// <summary>Longest label key: 63 bytes of <see cref="LabelKeyCharset"/>.</summary>
    public const int MaxLabelKeyBytes = 63;

    /// <summary>Smallest port.</summary>
    public const int MinPort = 1;

    /// <summary>Largest port.</summary>
    public const int MaxPort = 65535;

    /// <summary>Most apps one <c>WatchRequest</c> may name (more: <c>RESOURCE_EXHAUSTED</c>).</summary>
    public const int MaxWatchApps = 1024;

    /// <summary>Most services one <c>MapServicesRequest</c> may carry (at least one; more: <c>RESOURCE_EXHAUSTED</c>).</summary>
    public const int MaxServicesPerRequest = 1024;

    /// <summary>The registry's default cap on labels per instance (configurable per registry, not a wire rule).</summary>
    public const int DefaultMaxLabels = 16;

    /// <summary>The registry's default cap on UTF-8 bytes of all label keys plus values of one instance (configurable, not a wire rule).</summary>
    public const int DefaultMaxLabelBytes = 1024;

    /// <summary>The registry's default cap on UTF-8 bytes of one label value (configurable, not a wire rule).</summary>
    public const int DefaultMaxLabelValueBytes = 256;

    /// <summary>
    /// The instance label that says how the instance's port is dialled: <see cref="SchemeHttps"/> (HTTP/2 over
    /// TLS) or <see cref="SchemeHttp"/> (h2c). Absent means <see cref="SchemeHttp"/>, the behaviour of every
    /// instance registered before the label existed. The registry's health probe, the consumer's metadata fetch
    /// and its calls read it, so nothing hard-codes a scheme; a provider sets it from the endpoint it serves.
    /// </summary>
    public const string SchemeLabel = "scheme";

    /// <summary>The <see cref="SchemeLabel"/> value of an instance served over h2c (cleartext HTTP/2).</summary>
    public const string SchemeHttp = "http";

    /// <summary>The <see cref="SchemeLabel"/> value of an instance served over HTTP/2 with TLS.</summary>
    public const string SchemeHttps = "https";

    /// <summary>The characters of a namespace.</summary>
    public const string NamespaceCharset = "[A-Za-z0-9._-]";

    /// <summary>The characters of an app name and of an instance id.</summary>
    public const string NameCharset = "[A-Za-z0-9._:-]";

    /// <summary>The characters of a full gRPC service name (<c>package.Service</c>).</summary>
    public const string ServiceCharset = "[A-Za-z0-9._]";

    /// <summary>The characters of a label key.</summary>
    public const string LabelKeyCharset = "[A-Za-z0-9._/-]";

    /// <summary>Whether <paramref name="c"/> may appear in a namespace.</summary>
    public static bool IsNamespaceChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';

    /// <summary>Whether <paramref name="c"/> may appear in an app name or an instance id.</summary>
    public static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-';

    /// <summary>Whether <paramref name="c"/> may appear in a full gRPC service name.</summary>
    public static bool IsServiceChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_';

    /// <summary>Whether <paramref name="c"/> may appear in a label key.</summary>
    public static bool IsLabelKeyChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '/' or '-';

    /// <summary>Checks a namespace; empty (or null) is valid and means <see cref="DefaultNamespace"/>.</summary>
    /// <param name="field">How the caller names the value in the error, e.g. <c>namespace</c>.</param>
    /// <param name="value">The namespace.</param>
    /// <param name="error">Why it is invalid, naming <paramref name="field"/> and the limit; null when valid.</param>
    /// <returns>True when valid.</returns>
    public static bool TryValidateNamespace(string field, string? value, [NotNullWhen(false)] out string? error)
    {
        if (string.IsNullOrEmpty(value))
        {
            error = null;
            return true;
        }

        return TryValidateName(field, value, MaxNamespaceBytes, IsNamespaceChar, NamespaceCharset, out error);
    }

    /// <summary>Checks an app name: 1..<see cref="MaxAppBytes"/> bytes of <see cref="NameCharset"/>.</summary>
    /// <param name="field">How the caller names the value in the error, e.g. <c>instance.app</c>.</param>
    /// <param name="value">The app name.</param>
    /// <param name="error">Why it is invalid, naming <paramref name="field"/> and the limit; null when valid.</param>
    /// <returns>True when valid.</returns>
    public static bool TryValidateApp(string field, string? value, [NotNullWhen(false)] out string? error) =>
        TryValidateName(field, value, MaxAppBytes, IsNameChar, NameCharset, out error);

    /// <summary>Checks an instance id: 1..<see cref="MaxInstanceIdBytes"/> bytes of <see cref="NameCharset"/>.</summary>
    /// <param name="field">How the caller names the value in the error, e.g. <c>instance.instance_id</c>.</param>
    /// <param name="value">The instance id.</param>
    /// <param name="error">Why it is invalid, naming <paramref name="field"/> and the limit; null when valid.</param>
    /// <returns>True when valid.</returns>
    public static bool TryValidateInstanceId(string field, string? value, [NotNullWhen(false)] out string? error) =>
        TryValidateName(field, value, MaxInstanceIdBytes, IsNameChar, NameCharset, out error);

    /// <summary>Checks a full gRPC service name: 1..<see cref="MaxServiceBytes"/> bytes of <see cref="ServiceCharset"/>.</summary>
    /// <param name="field">How the caller names the value in the error, e.g. <c>services</c>.</param>
    /// <param name="value">The service name, e.g. <c>greet.Greeter</c>.</param>
    /// <param name="error">Why it is invalid, naming <paramref name="field"/> and the limit; null when valid.</param>
    /// <returns>True when valid.</returns>
    public static bool TryValidateService(string field, string? value, [NotNullWhen(false)] out string? error) =>
        TryValidateName(field, value, MaxServiceBytes, IsServiceChar, ServiceCharset, out error);

    /// <summary>Checks a label key: 1..<see cref="MaxLabelKeyBytes"/> bytes of <see cref="LabelKeyCharset"/>.</summary>
    /// <param name="field">How the caller names the value in the error, e.g. <c>instance.labels key</c>.</param>
    /// <param name="value">The key.</param>
    /// <param name="error">Why it is invalid, naming <paramref name="field"/> and the limit; null when valid.</param>
    /// <returns>True when valid.</returns>
    public static bool TryValidateLabelKey(string field, string? value, [NotNullWhen(false)] out string? error) =>
        TryValidateName(field, value, MaxLabelKeyBytes, IsLabelKeyChar, LabelKeyCharset, out error);

    /// <summary>Checks a port: <see cref="MinPort"/>..<see cref="MaxPort"/>.</summary>
    /// <param name="field">How the caller names the value in the error, e.g. <c>instance.port</c>.</param>
    /// <param name="port">The port.</param>
    /// <param name="error">Why it is invalid, naming <paramref name="field"/> and the range; null when valid.</param>
    /// <returns>True when valid.</returns>
    public static bool TryValidatePort(string field, int port, [NotNullWhen(false)] out string? error)
    {
        error = port is < MinPort or > MaxPort ? $"{field} must be in {MinPort}..{MaxPort}, got {port}." : null;
        return error is null;
    }

    /// <summary>Checks a metadata revision: <c>"0"</c> or <see cref="MetadataRevision.HexLength"/> lowercase hex characters.</summary>
    /// <param name="field">How the caller names the value in the error, e.g. <c>instance.revision</c>.</param>
    /// <param name="value">The revision.</param>
    /// <param name="error">Why it is invalid, naming <paramref name="field"/>; null when valid.</param>
    /// <returns>True when valid.</returns>
    public static bool TryValidateRevision(string field, string? value, [NotNullWhen(false)] out string? error)
    {
        error = MetadataRevision.IsWellFormed(value) ? null : $"{field} must be \"0\" or {MetadataRevision.HexLength} lowercase hex characters.";
        return error is null;
    }

    /// <summary>
    /// Checks a host that consumers will dial: an IPv4 literal (strict dotted quad), an IPv6 literal
    /// (no brackets, no zone id) or an RFC 1123 DNS name of at most <see cref="MaxHostBytes"/> bytes;
    /// never a wildcard address (<c>0.0.0.0</c>, <c>::</c>).
    /// </summary>
    /// <param name="field">How the caller names the value in the error, e.g. <c>instance.host</c>.</param>
    /// <param name="value">The host.</param>
    /// <param name="error">Why it is invalid, naming <paramref name="field"/> and the rule; null when valid.</param>
    /// <returns>True when valid.</returns>
    public static bool TryValidateHost(string field, string? value, [NotNullWhen(false)] out string? error)
    {
        error = HostError(field, value);
        return error is null;
    }

    /// <summary>Throws when <paramref name="value"/> is not a valid app name (see <see cref="TryValidateApp"/>).</summary>
    /// <param name="field">How the caller names the value in the error.</param>
    /// <param name="value">The app name.</param>
    /// <exception cref="ArgumentException">Invalid; the message names the field and the limit.</exception>
    public static void ValidateApp(string field, string? value) => ThrowIfInvalid(TryValidateApp(field, value, out var error), error, field);

    /// <summary>Throws when <paramref name="value"/> is not a valid full gRPC service name (see <see cref="TryValidateService"/>).</summary>
    /// <param name="field">How the caller names the value in the error.</param>
    /// <param name="value">The service name.</param>
    /// <exception cref="ArgumentException">Invalid; the message names the field and the limit.</exception>
    public static void ValidateService(string field, string? value) => ThrowIfInvalid(TryValidateService(field, value, out var error), error, field);

    /// <summary>Throws when <paramref name="value"/> is not a valid host (see <see cref="TryValidateHost"/>).</summary>
    /// <param name="field">How the caller names the value in the error.</param>
    /// <param name="value">The host.</param>
    /// <exception cref="ArgumentException">Invalid; the message names the field and the rule.</exception>
    public static void ValidateHost(string field, string? value) => ThrowIfInvalid(TryValidateHost(field, value, out var error), error, field);

    /// <summary>Throws when <paramref name="value"/> is not a valid namespace (see <see cref="TryValidateNamespace"/>).</summary>
    /// <param name="field">How the caller names the value in the error.</param>
    /// <param name="value">The namespace; empty means <see cref="DefaultNamespace"/>.</param>
    /// <exception cref="ArgumentException">Invalid; the message names the field and the limit.</exception>
    public static void ValidateNamespace(string field, string? value) => ThrowIfInvalid(TryValidateNamespace(field, value, out var error), error, field);

    /// <summary>Throws when <paramref name="value"/> is not a valid instance id (see <see cref="TryValidateInstanceId"/>).</summary>
    /// <param name="field">How the caller names the value in the error.</param>
    /// <param name="value">The instance id.</param>
    /// <exception cref="ArgumentException">Invalid; the message names the field and the limit.</exception>
    public static void ValidateInstanceId(string field, string? value) => ThrowIfInvalid(TryValidateInstanceId(field, value, out var error), error, field);

    /// <summary>Throws when <paramref name="value"/> is not a valid label key (see <see cref="TryValidateLabelKey"/>).</summary>
    /// <param name="field">How the caller names the value in the error.</param>
    /// <param name="value">The key.</param>
    /// <exception cref="ArgumentException">Invalid; the message names the field and the limit.</exception>
    public static void ValidateLabelKey(string field, string? value) => ThrowIfInvalid(TryValidateLabelKey(field, value, out var error), error, field);

    /// <summary>Throws when <paramref name="port"/> is outside <see cref="MinPort"/>..<see cref="MaxPort"/>.</summary>
    /// <param name="field">How the caller names the value in the error.</param>
    /// <param name="port">The port.</param>
    /// <exception cref="ArgumentException">Invalid; the message names the field and the range.</exception>
    public static void ValidatePort(string field, int port) => ThrowIfInvalid(TryValidatePort(field, port, out var error), error, field);

    /// <summary>Throws when <paramref name="value"/> is not a well-formed metadata revision (see <see cref="TryValidateRevision"/>).</summary>
    /// <param name="field">How the caller names the value in the error.</param>
    /// <param name="value">The revision.</param>
    /// <exception cref="ArgumentException">Invalid; the message names the field.</exception>
    public static void ValidateRevision(string field, string? value) => ThrowIfInvalid(TryValidateRevision(field, value, out var error), error, field);

    private static void ThrowIfInvalid(bool valid, string? error, string field)
    {
        if (!valid)
        {
            throw new ArgumentException(error, field);
        }
    }

    private static bool TryValidateName(string field, string? value, int maxBytes, Func<char, bool> allowed, string charset, [NotNullWhen(false)] out string? error)
    {
        error = NameError(field, value, maxBytes, allowed, charset);
        return error is null;
    }

    private static string? NameError(string field, string? value, int maxBytes, Func<char, bool> allowed, string charset)
    {
        if (string.IsNullOrEmpty(value))
        {
            return $"{field} is required (1..{maxBytes} bytes of {charset}).";
        }

        foreach (var c in value)
        {
            if (!allowed(c))
            {
                return $"{field} '{Truncate(value)}' has a character outside {charset}.";
            }
        }

        return value.Length > maxBytes ? $"{field} is {value.Length} bytes long; at most {maxBytes} are allowed." : null;
    }

    private static string? HostError(string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return $"{field} is required (an IP literal or a DNS name of at most {MaxHostBytes} bytes).";
        }

        if (value.Length > MaxHostBytes)
        {
            return $"{field} is longer than {MaxHostBytes} bytes.";
        }

        if (value.Contains(':', StringComparison.Ordinal))
        {
            // IPv6 literal: no brackets, no zone id (a zone means nothing to another machine).
            if (value.AsSpan().IndexOfAny("%[]/") >= 0 || !IPAddress.TryParse(value, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return $"{field} '{value}' is not a valid IPv6 literal (no brackets, no zone id).";
            }

            return v6.Equals(IPAddress.IPv6Any) ? $"{field} must not be the wildcard address '::'; register an address consumers can reach." : null;
        }

        if (IsAllNumericDotted(value))
        {
            if (!IsStrictDottedQuad(value) || !IPAddress.TryParse(value, out var v4) || v4.AddressFamily != AddressFamily.InterNetwork)
            {
                return $"{field} '{value}' is not a valid IPv4 literal.";
            }

            return v4.Equals(IPAddress.Any) ? $"{field} must not be the wildcard address '0.0.0.0'; register an address consumers can reach." : null;
        }

        return IsDnsName(value)
            ? null
            : $"{field} '{value}' is neither an IP literal nor an RFC 1123 DNS name (labels of 1..63 [A-Za-z0-9-], not starting or ending with '-', at most {MaxHostBytes} bytes).";
    }

    private static string Truncate(string value) => value.Length <= 64 ? value : string.Concat(value.AsSpan(0, 64), "…");

    // Only all-numeric dotted names are treated as IPv4 (an RFC 1123 name's last label is never
    // numeric). .NET's parser also accepts "1.2", "010.1.1.1" or "0x7f.1": those must not slip
    // through as addresses, so the shape is checked strictly first.
    private static bool IsAllNumericDotted(string value)
    {
        foreach (var c in value)
        {
            if (!char.IsAsciiDigit(c) && c != '.')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsStrictDottedQuad(string value)
    {
        var parts = value.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        foreach (var part in parts)
        {
            if (part.Length is 0 or > 3 || (part.Length > 1 && part[0] == '0') || int.Parse(part, CultureInfo.InvariantCulture) > 255)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsDnsName(string value)
    {
        foreach (var label in value.Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            foreach (var c in label)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-')
                {
                    return false;
                }
            }
        }

        return true;
    }
}
