using System.Net;
using Microsoft.Extensions.Options;

namespace Introspection.Provider.Internal;

/// <summary>Rejects options the registry would reject anyway, at startup and with the key to fix.</summary>
internal sealed class IntrospectionProviderOptionsValidator : IValidateOptions<IntrospectionProviderOptions>
{
    private const string Section = IntrospectionProviderOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, IntrospectionProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();

        if (options.App is { Length: > 0 } app && !IsName(app, 128, allowColon: true))
        {
            errors.Add($"{Section}:App '{app}' must be 1..128 characters of [A-Za-z0-9._:-].");
        }

        if (options.Namespace.Length > 0 && !IsName(options.Namespace, 63, allowColon: false))
        {
            errors.Add($"{Section}:Namespace '{options.Namespace}' must be 1..63 characters of [A-Za-z0-9._-] (empty = default).");
        }

        if (options.InstanceId is { Length: > 0 } id && !IsName(id, 200, allowColon: true))
        {
            errors.Add($"{Section}:InstanceId '{id}' must be 1..200 characters of [A-Za-z0-9._:-].");
        }

        if (options.Host is { Length: > 0 } host)
        {
            if (InstanceAddress.IsWildcard(host) || (IPAddress.TryParse(host, out var ip) && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any))))
            {
                errors.Add($"{Section}:Host '{host}' is a wildcard address; register an address other hosts can dial (e.g. the pod IP).");
            }
            else if (host.Length > 253 || (!IPAddress.TryParse(host, out _) && Uri.CheckHostName(host) != UriHostNameType.Dns))
            {
                errors.Add($"{Section}:Host '{host}' is neither an IP literal nor a DNS name.");
            }
        }

        if (options.Port is int port && port is < 1 or > 65535)
        {
            errors.Add($"{Section}:Port {port} must be 1..65535.");
        }

        for (var i = 0; i < options.Registries.Count; i++)
        {
            var entry = options.Registries[i];
            var addresses = (entry ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (addresses.Length == 0)
            {
                errors.Add($"{Section}:Registries:{i} is empty.");
            }

            foreach (var address in addresses)
            {
                if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                {
                    errors.Add($"{Section}:Registries:{i} '{address}' must be an http:// or https:// address.");
                }
            }
        }

        foreach (var (key, value) in options.Labels)
        {
            if (!IsLabelKey(key))
            {
                errors.Add($"{Section}:Labels key '{key}' must be 1..63 characters of [A-Za-z0-9._/-].");
            }

            if (value is null)
            {
                errors.Add($"{Section}:Labels:{key} has no value.");
            }
        }

        foreach (var (service, serviceOptions) in options.Services)
        {
            if (!IsServiceName(service))
            {
                errors.Add($"{Section}:Services key '{service}' must be a full gRPC service name ([A-Za-z0-9._], e.g. greet.Greeter).");
            }

            if (serviceOptions is null)
            {
                continue;
            }

            foreach (var key in serviceOptions.Params.Keys)
            {
                if (string.IsNullOrWhiteSpace(key))
                {
                    errors.Add($"{Section}:Services:{service}:Params has an empty key.");
                }
            }
        }

        Positive(errors, options.LeaseTtl, "LeaseTtl");
        Positive(errors, options.StartupTimeout, "StartupTimeout");
        Positive(errors, options.RegistryCallTimeout, "RegistryCallTimeout");
        Positive(errors, options.ReconnectMaxDelay, "ReconnectMaxDelay");
        Positive(errors, options.RevisionRetention, "RevisionRetention");
        Positive(errors, options.ShutdownTimeout, "ShutdownTimeout");
        if (options.PropagationDelay < TimeSpan.Zero)
        {
            errors.Add($"{Section}:PropagationDelay must not be negative.");
        }
        else if (options.PropagationDelay >= options.ShutdownTimeout)
        {
            errors.Add($"{Section}:PropagationDelay ({options.PropagationDelay}) must be shorter than ShutdownTimeout ({options.ShutdownTimeout}), or nothing is left to drain calls.");
        }

        if (options.RevisionHistoryCount < 0)
        {
            errors.Add($"{Section}:RevisionHistoryCount must be 0 or more.");
        }

        if (options.ExitAfterRegistryLoss is { } loss && loss <= TimeSpan.Zero)
        {
            errors.Add($"{Section}:ExitAfterRegistryLoss must be > 0 when set (unset = never exit), got {loss}.");
        }

        if (options.UnhealthyAfterFailures < 1)
        {
            errors.Add($"{Section}:UnhealthyAfterFailures must be 1 or more.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Positive(List<string> errors, TimeSpan value, string key)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{Section}:{key} must be positive (was {value}).");
        }
    }

    private static bool IsName(string value, int maxLength, bool allowColon) =>
        value.Length <= maxLength && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' || (allowColon && c == ':'));

    private static bool IsLabelKey(string key) =>
        key.Length is > 0 and <= 63 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '/');

    private static bool IsServiceName(string name) =>
        name.Length is > 0 and <= 256 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_');
}
