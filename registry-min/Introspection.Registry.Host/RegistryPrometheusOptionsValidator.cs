using Microsoft.Extensions.Options;

namespace Introspection.Registry;

/// <summary>Checks <see cref="RegistryPrometheusOptions"/>, reporting every error with its key at once.</summary>
internal sealed class RegistryPrometheusOptionsValidator : IValidateOptions<RegistryPrometheusOptions>
{
    public ValidateOptionsResult Validate(string? name, RegistryPrometheusOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (string.IsNullOrEmpty(options.Path) || options.Path[0] != '/' || options.Path.Contains('?', StringComparison.Ordinal))
        {
            errors.Add($"{RegistryPrometheusOptions.SectionName}:Path must be an absolute path such as /metrics (was '{options.Path}').");
        }

        if (options.Port is { } port && (port < 1 || port > 65535))
        {
            errors.Add($"{RegistryPrometheusOptions.SectionName}:Port must be between 1 and 65535 (was {port}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
