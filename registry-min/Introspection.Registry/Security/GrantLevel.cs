namespace Introspection.Registry.Security;

/// <summary>What a grant allows in its namespace. Admin includes write and read; write does not include read.</summary>
internal enum GrantLevel
{
    /// <summary>ListApps, ListInstances, LookupService, Watch.</summary>
    Read,

    /// <summary>Register, KeepAlive, UpdateInstance, Deregister, MapService of the grant's apps (own instances only).</summary>
    Write,

    /// <summary>Everything in the namespace, other principals' instances and leases included.</summary>
    Admin,
}
