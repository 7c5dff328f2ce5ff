using Introspection.Protocol;

namespace Introspection.Client.Internal;

/// <summary>The scheme an instance is dialled with: its <c>scheme</c> label, or the default for instances that register none.</summary>
internal static class InstanceScheme
{
    /// <summary><c>http</c> or <c>https</c>; an unknown label value counts as what it says after lower-casing, so it matches neither.</summary>
    public static string Of(IReadOnlyDictionary<string, string> labels, bool unlabeledIsHttps) =>
        labels.TryGetValue(WireContract.SchemeLabel, out var scheme) && scheme.Length > 0
            ? scheme.ToLowerInvariant()
            : unlabeledIsHttps ? WireContract.SchemeHttps : WireContract.SchemeHttp;

    /// <summary>The legacy <see cref="IntrospectionClientOptions.UseTls"/>, read in one place.</summary>
    public static bool UnlabeledIsHttps(IntrospectionClientOptions options)
    {
#pragma warning disable CS0618 // UseTls is obsolete: this is the one place that still honours it.
        return options.UseTls;
#pragma warning restore CS0618
    }

    /// <summary>The scheme of <c>introspect:///</c> channels without credentials of their own.</summary>
    public static string ChannelScheme(IntrospectionClientOptions options) =>
        UnlabeledIsHttps(options) ? WireContract.SchemeHttps : options.ProviderChannel.Scheme;
}
