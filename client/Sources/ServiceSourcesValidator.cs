using Introspection.Client.Internal;
using Introspection.Protocol;

namespace Introspection.Client.Sources;

/// <summary>Checks <see cref="IntrospectionClientOptions.RegistryGroups"/> and <see cref="IntrospectionClientOptions.ServiceSources"/>, naming each key.</summary>
internal static class ServiceSourcesValidator
{
    private const string Prefix = IntrospectionClientOptions.SectionName + ":";

    public static void Check(IntrospectionClientOptions options, List<string> errors)
    {
        foreach (var (name, group) in options.RegistryGroups)
        {
            var key = $"{Prefix}RegistryGroups:{name}";
            if (string.IsNullOrWhiteSpace(name) || name.Any(static c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
            {
                errors.Add($"{key}: a group name is 1 or more characters of [A-Za-z0-9._-].");
            }

            if (group is null || group.Registries.Count == 0)
            {
                errors.Add($"{key}:Registries: at least one registry address (http://host:port) is required.");
                continue;
            }

            foreach (var registry in RegistryConnection.Split(group.Registries))
            {
                if (!Uri.TryCreate(registry, UriKind.Absolute, out var uri)
                    || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                    || uri.Host.Length == 0)
                {
                    errors.Add($"{key}:Registries: '{registry}' is not an http:// or https:// address with a host.");
                }
            }

            if (group.Namespace is { } ns && !WireContract.TryValidateNamespace($"{key}:Namespace", ns, out var nsError))
            {
                errors.Add(nsError);
            }
        }

        foreach (var (service, source) in options.ServiceSources)
        {
            var key = $"{Prefix}ServiceSources:{service}";
            try
            {
                _ = new ServiceTarget(service);
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                errors.Add($"{key}: {ex.Message}");
            }

            if (source is null)
            {
                errors.Add($"{key}: empty.");
                continue;
            }

            switch (source.Source)
            {
                case ServiceSourceKind.Registry:
                    if (source.Registry is { Length: > 0 } group && !options.RegistryGroups.ContainsKey(group))
                    {
                        errors.Add($"{key}:Registry: '{group}' is not a configured registry group ({Prefix}RegistryGroups: {(options.RegistryGroups.Count == 0 ? "none" : string.Join(", ", options.RegistryGroups.Keys))}).");
                    }
                    else if (source.Registry is not { Length: > 0 } && options.Registries.Count == 0)
                    {
                        errors.Add($"{key}: comes from the default registry, but {Prefix}Registries is empty; name a registry group in Registry, or configure Registries.");
                    }

                    break;
                case ServiceSourceKind.Static:
                    try
                    {
                        if (IntrospectionClient.ParseStaticEndpoints(source.Endpoints ?? string.Empty).Count == 0)
                        {
                            errors.Add($"{key}:Endpoints: no host:port given.");
                        }
                    }
                    catch (FormatException ex)
                    {
                        errors.Add($"{key}:Endpoints: {ex.Message}");
                    }

                    break;
                case ServiceSourceKind.Dns:
                    CheckDns(key + ":Dns", source.Dns, errors);
                    break;
                default:
                    errors.Add($"{key}:Source: '{source.Source}' is not one of Registry, Dns, Static.");
                    break;
            }
        }
    }

    private static void CheckDns(string key, DnsServiceOptions? dns, List<string> errors)
    {
        if (dns is null)
        {
            errors.Add($"{key}: required when Source is Dns (Host and Port).");
            return;
        }

        if (string.IsNullOrWhiteSpace(dns.Host))
        {
            errors.Add($"{key}:Host: required (the name to resolve, e.g. greeter.prod.svc.cluster.local).");
        }
        else if (System.Net.IPAddress.TryParse(dns.Host, out _))
        {
            errors.Add($"{key}:Host: '{dns.Host}' is an IP address; pin it with Source Static instead.");
        }
        else if (Uri.CheckHostName(dns.Host.TrimEnd('.')) != UriHostNameType.Dns)
        {
            errors.Add($"{key}:Host: '{dns.Host}' is not a DNS name.");
        }

        if (dns.Port is < WireContract.MinPort or > WireContract.MaxPort)
        {
            errors.Add($"{key}:Port: {dns.Port} must be {WireContract.MinPort}..{WireContract.MaxPort}.");
        }

        if (dns.Scheme is { Length: > 0 } scheme
            && !string.Equals(scheme, WireContract.SchemeHttp, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(scheme, WireContract.SchemeHttps, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"{key}:Scheme: '{scheme}' must be http or https.");
        }

        foreach (var nameserver in dns.Nameservers)
        {
            try
            {
                DnsServiceSource.ParseNameserver(nameserver ?? string.Empty);
            }
            catch (FormatException ex)
            {
                errors.Add($"{key}:Nameservers: {ex.Message}");
            }
        }

        Positive(dns.RefreshInterval, nameof(dns.RefreshInterval));
        Positive(dns.MinRefreshInterval, nameof(dns.MinRefreshInterval));
        Positive(dns.MaxRefreshInterval, nameof(dns.MaxRefreshInterval));
        Positive(dns.Timeout, nameof(dns.Timeout));
        if (dns.MinRefreshInterval > dns.MaxRefreshInterval)
        {
            errors.Add($"{key}:MinRefreshInterval: {dns.MinRefreshInterval} is above MaxRefreshInterval {dns.MaxRefreshInterval}.");
        }

        void Positive(TimeSpan value, string name)
        {
            if (value <= TimeSpan.Zero)
            {
                errors.Add($"{key}:{name}: {value} must be positive.");
            }
        }
    }
}
