using System.Net;
using System.Net.Sockets;
using System.Text;
using Google.Protobuf.Collections;
using Grpc.Core;
using Introspection.Protocol;
using Introspection.Protocol.Registry.V1;
using Microsoft.Extensions.Options;

namespace Introspection.Registry.Internal;

/// <summary>
/// Checks every request field against the limits stated in registry.proto and the registry options
/// before anything reaches the store, so a bad request can never leave partial state behind.
/// Violations throw an <see cref="RpcException"/> whose message names the field and the limit.
/// </summary>
internal sealed class RequestValidator
{
    /// <summary>The namespace an empty <c>namespace</c> field means.</summary>
    public const string DefaultNamespace = "default";

    public const int MaxNamespaceBytes = 63;
    public const int MaxAppBytes = 128;
    public const int MaxInstanceIdBytes = 200;
    public const int MaxServiceBytes = 256;
    public const int MaxHostBytes = 253;
    public const int MaxLabelKeyBytes = 63;
    public const int MaxWatchApps = 1024;
    public const int MaxServicesPerRequest = 1024;

    private readonly RegistryLimitsOptions _limits;

    public RequestValidator(IOptions<RegistryOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _limits = options.Value.Limits;
    }

    /// <summary>Validates a namespace and answers its canonical form (empty means <see cref="DefaultNamespace"/>).</summary>
    public static string Namespace(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return DefaultNamespace;
        }

        CheckName("namespace", value, MaxNamespaceBytes, static c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-', "[A-Za-z0-9._-]");
        return value;
    }

    public static void App(string field, string? value) =>
        CheckName(field, value, MaxAppBytes, IsNameChar, "[A-Za-z0-9._:-]");

    public static void InstanceId(string field, string? value) =>
        CheckName(field, value, MaxInstanceIdBytes, IsNameChar, "[A-Za-z0-9._:-]");

    public static void Service(string field, string? value) =>
        CheckName(field, value, MaxServiceBytes, static c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_', "[A-Za-z0-9._]");

    public static void LeaseTtl(long ttlMs)
    {
        if (ttlMs < 0)
        {
            throw Invalid($"ttl_ms must be >= 0 (0 means the registry default), got {ttlMs}.");
        }
    }

    public static void Revision(string field, string? value)
    {
        if (!MetadataRevision.IsWellFormed(value))
        {
            throw Invalid($"{field} must be \"0\" or {MetadataRevision.HexLength} lowercase hex characters.");
        }
    }

    public static void Host(string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw Invalid($"{field} is required (an IP literal or a DNS name of at most {MaxHostBytes} bytes).");
        }

        if (value.Length > MaxHostBytes)
        {
            throw Invalid($"{field} is longer than {MaxHostBytes} bytes.");
        }

        if (value.Contains(':', StringComparison.Ordinal))
        {
            // IPv6 literal: no brackets, no zone id (a zone means nothing to another machine).
            if (value.AsSpan().IndexOfAny("%[]/") >= 0 || !IPAddress.TryParse(value, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                throw Invalid($"{field} '{value}' is not a valid IPv6 literal (no brackets, no zone id).");
            }

            if (v6.Equals(IPAddress.IPv6Any))
            {
                throw Invalid($"{field} must not be the wildcard address '::'; register an address consumers can reach.");
            }

            return;
        }

        if (IsAllNumericDotted(value))
        {
            if (!IsStrictDottedQuad(value) || !IPAddress.TryParse(value, out var v4) || v4.AddressFamily != AddressFamily.InterNetwork)
            {
                throw Invalid($"{field} '{value}' is not a valid IPv4 literal.");
            }

            if (v4.Equals(IPAddress.Any))
            {
                throw Invalid($"{field} must not be the wildcard address '0.0.0.0'; register an address consumers can reach.");
            }

            return;
        }

        if (!IsDnsName(value))
        {
            throw Invalid($"{field} '{value}' is neither an IP literal nor an RFC 1123 DNS name (labels of 1..63 [A-Za-z0-9-], not starting or ending with '-', at most {MaxHostBytes} bytes).");
        }
    }

    public static void Port(string field, int port)
    {
        if (port is < 1 or > 65535)
        {
            throw Invalid($"{field} must be in 1..65535, got {port}.");
        }
    }

    /// <summary>Validates an instance as sent in Register.</summary>
    public void Instance(Instance? instance)
    {
        if (instance is null)
        {
            throw Invalid("instance is required.");
        }

        App("instance.app", instance.App);
        InstanceId("instance.instance_id", instance.InstanceId);
        Host("instance.host", instance.Host);
        Port("instance.port", instance.Port);
        Revision("instance.revision", instance.Revision);
        Labels("instance.labels", instance.Labels);
    }

    public void Labels(string field, MapField<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count > _limits.MaxLabels)
        {
            throw Exhausted($"{field} has {labels.Count} labels; at most {_limits.MaxLabels} are allowed.");
        }

        var total = 0;
        foreach (var (key, value) in labels)
        {
            CheckName($"{field} key", key, MaxLabelKeyBytes, static c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '/' or '-', "[A-Za-z0-9._/-]");
            var valueBytes = Encoding.UTF8.GetByteCount(value);
            if (valueBytes > _limits.MaxLabelValueBytes)
            {
                throw Exhausted($"{field}['{key}'] value has {valueBytes} bytes; at most {_limits.MaxLabelValueBytes} are allowed.");
            }

            total += key.Length + valueBytes;
        }

        if (total > _limits.MaxLabelBytes)
        {
            throw Exhausted($"{field} total {total} bytes of keys and values; at most {_limits.MaxLabelBytes} are allowed.");
        }
    }

    public static void WatchApps(RepeatedField<string> apps)
    {
        ArgumentNullException.ThrowIfNull(apps);
        if (apps.Count > MaxWatchApps)
        {
            throw Exhausted($"apps has {apps.Count} entries; a Watch may name at most {MaxWatchApps} apps (or none for the whole namespace).");
        }

        foreach (var app in apps)
        {
            App("apps", app);
        }
    }

    public static void SinceRevision(long sinceRevision)
    {
        if (sinceRevision < 0)
        {
            throw Invalid($"since_revision must be >= 0, got {sinceRevision}.");
        }
    }

    public static void Services(RepeatedField<string> services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Count == 0)
        {
            throw Invalid($"services must name 1..{MaxServicesPerRequest} services, got none.");
        }

        if (services.Count > MaxServicesPerRequest)
        {
            throw Exhausted($"services has {services.Count} entries; at most {MaxServicesPerRequest} are allowed per request.");
        }

        foreach (var service in services)
        {
            Service("services", service);
        }
    }

    public static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));

    public static RpcException Exhausted(string message) => new(new Status(StatusCode.ResourceExhausted, message));

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-';

    // Names are ASCII by their charset, so bytes == chars once the charset check passed.
    private static void CheckName(string field, string? value, int maxBytes, Func<char, bool> allowed, string charset)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw Invalid($"{field} is required (1..{maxBytes} bytes of {charset}).");
        }

        foreach (var c in value)
        {
            if (!allowed(c))
            {
                throw Invalid($"{field} '{Truncate(value)}' has a character outside {charset}.");
            }
        }

        if (value.Length > maxBytes)
        {
            throw Invalid($"{field} is {value.Length} bytes long; at most {maxBytes} are allowed.");
        }
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
            if (part.Length is 0 or > 3 || (part.Length > 1 && part[0] == '0') || int.Parse(part, System.Globalization.CultureInfo.InvariantCulture) > 255)
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
