using System.Net;
using Introspection.Protocol;

namespace Introspection.Provider.Internal;

/// <summary>Checks the host the environment gives (<see cref="PodAddress"/>) as strictly as a configured <c>Host</c>.</summary>
internal static class PodAddressValidator
{
    public static void Check(string section, IntrospectionProviderOptions options, Func<string, string?> environment, List<string> errors)
    {
        if (options.Host is { Length: > 0 })
        {
            return; // Host wins; the environment is not read.
        }

        var key = $"{section}:HostFromEnvironment";
        if (options.HostFromEnvironment is { } variable)
        {
            if (variable.Length == 0 || variable.Any(static c => !(char.IsAsciiLetterOrDigit(c) || c == '_')))
            {
                errors.Add($"{key} '{variable}' is not an environment variable name ([A-Za-z0-9_]).");
                return;
            }

            if (string.IsNullOrWhiteSpace(environment(variable)))
            {
                // A Deployment that forgot its fieldRef must not register a guessed address.
                errors.Add($"{key} names {variable}, which is not set; in Kubernetes add env {variable} from fieldRef status.podIP.");
                return;
            }
        }

        if (PodAddress.FromEnvironment(options, environment) is not { } host)
        {
            return;
        }

        var source = options.HostFromEnvironment ?? PodAddress.PodIpVariable;
        if (InstanceAddress.IsWildcard(host) || (IPAddress.TryParse(host, out var ip) && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any))))
        {
            errors.Add($"{key}: {source}='{host}' is a wildcard address; it must be the address other pods dial.");
        }
        else if (!WireContract.TryValidateHost($"{key} ({source})", host, out var hostError))
        {
            errors.Add(hostError);
        }
    }
}
