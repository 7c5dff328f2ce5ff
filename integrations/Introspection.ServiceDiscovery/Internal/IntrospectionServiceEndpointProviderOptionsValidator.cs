using Introspection.Client;
using Microsoft.Extensions.Options;

namespace Introspection.ServiceDiscovery.Internal;

/// <summary>Every entry of <see cref="IntrospectionServiceEndpointProviderOptions.Apps"/> must be an app name; all bad entries are reported together.</summary>
internal sealed class IntrospectionServiceEndpointProviderOptionsValidator : IValidateOptions<IntrospectionServiceEndpointProviderOptions>
{
    public ValidateOptionsResult Validate(string? name, IntrospectionServiceEndpointProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string>? errors = null;
        foreach (var app in options.Apps)
        {
            if (!AppTarget.IsValidApp(app))
            {
                (errors ??= []).Add($"{IntrospectionServiceEndpointProviderOptions.SectionName}:{nameof(options.Apps)}: '{app}' is not an app name (app names use {Protocol.WireContract.NameCharset}, at most {Protocol.WireContract.MaxAppBytes} characters).");
            }
        }

        return errors is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
