using Microsoft.Extensions.Options;

namespace Introspection.Registry.Dashboard;

/// <summary>Rejects a dashboard path or timeout that cannot work, at startup, naming the key.</summary>
internal sealed class DashboardOptionsValidator : IValidateOptions<RegistryOptions>
{
    public ValidateOptionsResult Validate(string? name, RegistryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var dashboard = options.Dashboard;
        var prefix = RegistryOptions.SectionName + ":Dashboard";
        if (string.IsNullOrEmpty(dashboard.Path) || dashboard.Path[0] != '/' || dashboard.Path.Length < 2 || dashboard.Path.EndsWith('/') || dashboard.Path.Contains('?') || dashboard.Path.Contains('#') || dashboard.Path.Contains('{'))
        {
            failures.Add($"{prefix}:Path must be an absolute path like '/dashboard' (no trailing slash, query or route parameters), got '{dashboard.Path}'.");
        }

        if (dashboard.MetadataTimeout <= TimeSpan.Zero || dashboard.MetadataTimeout > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{prefix}:MetadataTimeout must be > 0 and <= 1 minute, got {dashboard.MetadataTimeout}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
