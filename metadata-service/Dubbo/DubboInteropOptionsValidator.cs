using Introspection.Protocol;
using Microsoft.Extensions.Options;

namespace Introspection.Provider.Dubbo;

/// <summary>
/// Checks at startup that Dubbo's five instance labels fit the registry's default label caps together with the
/// configured <c>Labels</c>, so a provider does not learn at registration time that the registry rejects them.
/// </summary>
internal sealed class DubboInteropOptionsValidator : IValidateOptions<IntrospectionProviderOptions>
{
    private const string Section = IntrospectionProviderOptions.SectionName + ":Dubbo";

    public ValidateOptionsResult Validate(string? name, IntrospectionProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Dubbo is null)
        {
            return ValidateOptionsResult.Fail($"{Section} must not be null.");
        }

        if (!options.Dubbo.RegisterLabels)
        {
            return ValidateOptionsResult.Success;
        }

        var errors = new List<string>();
        if (!options.Dubbo.Enabled)
        {
            errors.Add($"{Section}:RegisterLabels needs {Section}:Enabled: the labels point Dubbo consumers at MetadataServiceV2.");
        }

        // Labels Dubbo's would replace are not counted twice.
        var own = options.Labels.Where(l => !IsDubboKey(l.Key)).ToList();
        var count = own.Count + DubboInstanceLabels.Count;
        if (count > WireContract.DefaultMaxLabels)
        {
            errors.Add($"{Section}:RegisterLabels adds {DubboInstanceLabels.Count} labels to the {own.Count} of {IntrospectionProviderOptions.SectionName}:Labels: {count} exceed the registry's default cap of {WireContract.DefaultMaxLabels}.");
        }

        var bytes = own.Sum(l => System.Text.Encoding.UTF8.GetByteCount(l.Key) + System.Text.Encoding.UTF8.GetByteCount(l.Value ?? string.Empty)) + DubboInstanceLabels.MaxBytes;
        if (bytes > WireContract.DefaultMaxLabelBytes)
        {
            errors.Add($"{Section}:RegisterLabels: the labels would take up to {bytes} bytes, over the registry's default cap of {WireContract.DefaultMaxLabelBytes}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsDubboKey(string key) => key is DubboInstanceLabels.MetadataVersionKey or DubboInstanceLabels.StorageTypeKey
        or DubboInstanceLabels.UrlParamsKey or DubboInstanceLabels.EndpointsKey or DubboInstanceLabels.RevisionKey;
}
