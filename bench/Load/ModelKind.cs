namespace Introspection.Bench.Load;

/// <summary>The two ways of using the same registry that the load comparison puts side by side.</summary>
internal enum ModelKind
{
    /// <summary>Dubbo-2 style: one registry entry per (instance × service) carrying every parameter; consumers watch per service.</summary>
    Full,

    /// <summary>Service introspection: one small entry per instance with its metadata revision; consumers watch apps and fetch metadata per revision.</summary>
    Introspection,
}
