namespace Introspection.Bench.Load;

/// <summary>The ways of keeping the same fleet's registrations that the load comparison puts side by side.</summary>
internal enum ModelKind
{
    /// <summary>Dubbo-2 style: one registry entry per (instance × service) carrying every parameter; consumers watch per service.</summary>
    Full,

    /// <summary>Service introspection: one small entry per instance with its metadata revision; consumers watch apps and fetch metadata per revision.</summary>
    Introspection,

    /// <summary>The full model as Dubbo 2 users run it on etcd 3.4: one key per (instance × service), one lease per process, a watcher per service prefix.</summary>
    FullEtcd,
}
