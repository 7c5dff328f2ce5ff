using Introspection.Protocol;

namespace Introspection.Registry;

/// <summary>
/// Size limits that keep the registry minimal by construction; a registry may raise them (the bench's
/// "full" model does). Limits fixed by the wire contract (name lengths and charsets, 1024 apps per
/// Watch, 1..1024 services per MapService) are not options: they are <see cref="WireContract"/>'s
/// constants, and the defaults here are <see cref="WireContract.DefaultMaxLabels"/> and its siblings.
/// </summary>
public sealed class RegistryLimitsOptions
{
    /// <summary>Most labels per instance. Default 16.</summary>
    public int MaxLabels { get; set; } = WireContract.DefaultMaxLabels;

    /// <summary>Most UTF-8 bytes of all label keys plus values of one instance. Default 1024.</summary>
    public int MaxLabelBytes { get; set; } = WireContract.DefaultMaxLabelBytes;

    /// <summary>Most UTF-8 bytes of one label value. Default 256.</summary>
    public int MaxLabelValueBytes { get; set; } = WireContract.DefaultMaxLabelValueBytes;
}
