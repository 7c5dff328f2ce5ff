using Introspection.Protocol;
using Microsoft.Extensions.Options;

namespace Introspection.Client.Internal;

/// <summary>Rejects options the client cannot work with, naming the configuration key.</summary>
internal sealed class IntrospectionClientOptionsValidator : IValidateOptions<IntrospectionClientOptions>
{
    public ValidateOptionsResult Validate(string? name, IntrospectionClientOptions options)
    {
        var errors = Check(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static List<string> Check(IntrospectionClientOptions options)
    {
        var errors = new List<string>();
        const string Prefix = IntrospectionClientOptions.SectionName + ":";
        if (options.Registries.Count == 0 && options.StaticEndpoints.Count == 0 && options.ServiceSources.Count == 0)
        {
            errors.Add($"{Prefix}Registries: at least one registry address (http://host:port) is required.");
        }

        foreach (var registry in RegistryConnection.Split(options.Registries))
        {
            if (!Uri.TryCreate(registry, UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                || uri.Host.Length == 0)
            {
                errors.Add($"{Prefix}Registries: '{registry}' is not an http:// or https:// address with a host.");
            }
        }

        foreach (var service in options.Services)
        {
            try
            {
                ServiceTarget.Parse(service);
            }
            catch (FormatException ex)
            {
                errors.Add($"{Prefix}Services: {ex.Message}");
            }
        }

        foreach (var (service, endpoints) in options.StaticEndpoints)
        {
            try
            {
                _ = new ServiceTarget(service);
                if (IntrospectionClient.ParseStaticEndpoints(endpoints ?? string.Empty).Count == 0)
                {
                    errors.Add($"{Prefix}StaticEndpoints:{service}: no host:port given.");
                }
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                errors.Add($"{Prefix}StaticEndpoints:{service}: {ex.Message}");
            }
        }

        if (options.Namespace is null || !WireContract.TryValidateNamespace($"{Prefix}Namespace", options.Namespace, out _))
        {
            errors.Add($"{Prefix}Namespace: '{options.Namespace}' must be empty or 1..{WireContract.MaxNamespaceBytes} characters of {WireContract.NamespaceCharset}.");
        }

        Positive(options.StartupTimeout, nameof(options.StartupTimeout));
        Positive(options.ResolveTimeout, nameof(options.ResolveTimeout));
        Positive(options.SnapshotDebounce, nameof(options.SnapshotDebounce));
        Positive(options.MetadataFetchTimeout, nameof(options.MetadataFetchTimeout));
        Positive(options.MetadataRetryInitialBackoff, nameof(options.MetadataRetryInitialBackoff));
        Positive(options.MetadataRetryMaxBackoff, nameof(options.MetadataRetryMaxBackoff));
        Positive(options.RegistryCallTimeout, nameof(options.RegistryCallTimeout));
        Positive(options.RegistryRetryInitialBackoff, nameof(options.RegistryRetryInitialBackoff));
        Positive(options.RegistryRetryMaxBackoff, nameof(options.RegistryRetryMaxBackoff));
        Positive(options.RegistryKeepAlive, nameof(options.RegistryKeepAlive));
        if (options.ProviderKeepAlivePingDelay != Timeout.InfiniteTimeSpan)
        {
            Positive(options.ProviderKeepAlivePingDelay, nameof(options.ProviderKeepAlivePingDelay));
            Positive(options.ProviderKeepAlivePingTimeout, nameof(options.ProviderKeepAlivePingTimeout));
        }

        if (options.SnapshotGracePeriod < TimeSpan.Zero)
        {
            errors.Add($"{Prefix}SnapshotGracePeriod: {options.SnapshotGracePeriod} must not be negative.");
        }

        if (options.RegistryMaxReceiveMessageSize < 4 * 1024 * 1024)
        {
            errors.Add($"{Prefix}RegistryMaxReceiveMessageSize: {options.RegistryMaxReceiveMessageSize} is below the minimum of 4 MiB (4194304 bytes, grpc-dotnet's default).");
        }

        if (options.MetadataCacheSizeLimit < 1024)
        {
            errors.Add($"{Prefix}MetadataCacheSizeLimit: {options.MetadataCacheSizeLimit} is below the minimum of 1024 bytes.");
        }

        if (options.DefaultRetryMaxAttempts is < 2 or > 5)
        {
            errors.Add($"{Prefix}DefaultRetryMaxAttempts: {options.DefaultRetryMaxAttempts} must be 2..5 (gRPC caps retry attempts at 5).");
        }

        if (options.EnableSnapshot && options.SnapshotPath is { Length: 0 })
        {
            errors.Add($"{Prefix}SnapshotPath: empty; leave it unset for the default, or set EnableSnapshot to false.");
        }

        Sources.ServiceSourcesValidator.Check(options, errors);
        RegistryChannelChecks.Check(options.RegistryChannel, options.Registries, Prefix + nameof(options.RegistryChannel), errors);
        var providerChannel = options.ProviderChannel;
        if (providerChannel is null)
        {
            errors.Add($"{Prefix}ProviderChannel: must not be null.");
        }
        else
        {
            if (providerChannel.Scheme is not (WireContract.SchemeHttp or WireContract.SchemeHttps))
            {
                errors.Add($"{Prefix}ProviderChannel:Scheme: '{providerChannel.Scheme}' must be http or https.");
            }

            if (providerChannel.Tls is null)
            {
                errors.Add($"{Prefix}ProviderChannel:Tls: must not be null.");
            }
            else
            {
                TlsClientSettings.TryLoad(providerChannel.Tls, Prefix + "ProviderChannel:Tls", Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, errors);
            }
        }

        return errors;

        void Positive(TimeSpan value, string key)
        {
            if (value <= TimeSpan.Zero)
            {
                errors.Add($"{Prefix}{key}: {value} must be positive.");
            }
        }
    }
}
