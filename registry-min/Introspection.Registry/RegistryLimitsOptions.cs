namespace Introspection.Registry;

/// <summary>
/// Size limits that keep the registry minimal by construction. Limits fixed by the wire contract
/// (name lengths and charsets, 1024 apps per Watch, 1..1024 services per MapService) are not options.
/// </summary>
public sealed class RegistryLimitsOptions
{
    /// <summary>Most labels per instance. Default 16.</summary>
    public int MaxLabels { get; set; } = 16;

    /// <summary>Most UTF-8 bytes of all label keys plus values of one instance. Default 1024.</summary>
    public int MaxLabelBytes { get; set; } = 1024;

    /// <summary>Most UTF-8 bytes of one label value. Default 256.</summary>
    public int MaxLabelValueBytes { get; set; } = 256;
}
