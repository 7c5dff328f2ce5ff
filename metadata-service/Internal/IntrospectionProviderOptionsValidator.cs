using System.Net;
using Introspection.Protocol;
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

        // The registry's own rules (WireContract), so a name it would reject fails here, at startup.
        if (options.App is { Length: > 0 } app && !WireContract.TryValidateApp($"{Section}:App", app, out var appError))
        {
            errors.Add(appError);
        }

        if (!WireContract.TryValidateNamespace($"{Section}:Namespace", options.Namespace, out var namespaceError))
        {
            errors.Add(namespaceError);
        }

        if (options.InstanceId is { Length: > 0 } id && !WireContract.TryValidateInstanceId($"{Section}:InstanceId", id, out var idError))
        {
            errors.Add(idError);
        }

        if (options.Host is { Length: > 0 } host)
        {
            if (InstanceAddress.IsWildcard(host) || (IPAddress.TryParse(host, out var ip) && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any))))
            {
                errors.Add($"{Section}:Host '{host}' is a wildcard address; register an address other hosts can dial (e.g. the pod IP).");
            }
            else if (!WireContract.TryValidateHost($"{Section}:Host", host, out var hostError))
            {
                errors.Add(hostError);
            }
        }

        PodAddressValidator.Check(Section, options, Environment.GetEnvironmentVariable, errors);

        if (options.Port is int port && !WireContract.TryValidatePort($"{Section}:Port", port, out var portError))
        {
            errors.Add(portError);
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
            if (!WireContract.TryValidateLabelKey($"{Section}:Labels key", key, out var keyError))
            {
                errors.Add(keyError);
            }

            if (value is null)
            {
                errors.Add($"{Section}:Labels:{key} has no value.");
            }
        }

        foreach (var (service, serviceOptions) in options.Services)
        {
            if (!WireContract.TryValidateService($"{Section}:Services key", service, out var serviceError))
            {
                errors.Add($"{serviceError} A full gRPC service name, e.g. greet.Greeter.");
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

        Introspection.Client.Internal.RegistryChannelChecks.Check(options.RegistryChannel, options.Registries.Where(r => r is not null), $"{Section}:RegistryChannel", errors);
        if (options.Metadata is null)
        {
            errors.Add($"{Section}:Metadata must not be null.");
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
}
