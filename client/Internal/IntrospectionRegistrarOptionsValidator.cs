using Microsoft.Extensions.Options;

namespace Introspection.Client.Internal;

/// <summary>Checks <see cref="IntrospectionRegistrarOptions"/>, reporting every error at once, each naming its key.</summary>
internal sealed class IntrospectionRegistrarOptionsValidator : IValidateOptions<IntrospectionRegistrarOptions>
{
    public ValidateOptionsResult Validate(string? name, IntrospectionRegistrarOptions options)
    {
        var errors = new List<string>();
        var registries = options.Registries.Where(r => !string.IsNullOrWhiteSpace(r)).ToList();
        if (registries.Count == 0)
        {
            errors.Add($"{nameof(options.Registries)}: at least one registry address is required.");
        }

        foreach (var entry in registries.Where(r => !RegistryConnection.Split([r]).Any()))
        {
            errors.Add($"{nameof(options.Registries)}: '{entry}' lists no address.");
        }

        foreach (var address in RegistryConnection.Split(registries))
        {
            if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                errors.Add($"{nameof(options.Registries)}: '{address}' is not an http:// or https:// address.");
            }
        }

        Positive(options.LeaseTtl, nameof(options.LeaseTtl));
        Positive(options.RegistryCallTimeout, nameof(options.RegistryCallTimeout));
        Positive(options.ReconnectMaxDelay, nameof(options.ReconnectMaxDelay));
        if (options.UnhealthyAfterFailures < 1)
        {
            errors.Add($"{nameof(options.UnhealthyAfterFailures)}: must be at least 1 (was {options.UnhealthyAfterFailures}).");
        }

        RegistryChannelChecks.Check(options.Channel, registries, nameof(options.Channel), errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);

        void Positive(TimeSpan value, string key)
        {
            if (value <= TimeSpan.Zero)
            {
                errors.Add($"{key}: must be positive (was {value}).");
            }
        }
    }
}
