using Grpc.Core;
using Introspection.Registry.Stores;

namespace Introspection.Registry.Security;

/// <summary>
/// The authenticated caller of one registry call (or stream), as <see cref="RegistryAuthorizer"/> found it at the
/// call's start; kept in <see cref="ServerCallContext.UserState"/> for the service (ownership, audit).
/// </summary>
internal sealed class RegistryCaller
{
    private static readonly object s_key = typeof(RegistryCaller);

    public RegistryCaller(string name, string scheme, IReadOnlyList<RegistryGrant> grants, string remote, bool isAnonymousRegistry = false)
    {
        Name = name;
        Scheme = scheme;
        Grants = grants;
        Remote = remote;
        IsAnonymousRegistry = isAnonymousRegistry;
    }

    /// <summary>The principal name (audit, ownership, limits).</summary>
    public string Name { get; }

    /// <summary>How it authenticated: <c>ApiKey</c>, <c>JwtBearer</c>, <c>Certificate</c>, <c>Anonymous</c>.</summary>
    public string Scheme { get; }

    public IReadOnlyList<RegistryGrant> Grants { get; }

    /// <summary>Remote IP:port.</summary>
    public string Remote { get; }

    /// <summary>No authentication is configured: full access, no ownership, no per-principal limits.</summary>
    public bool IsAnonymousRegistry { get; }

    public static RegistryCaller? From(ServerCallContext context) =>
        context.UserState.TryGetValue(s_key, out var value) ? value as RegistryCaller : null;

    public void AttachTo(ServerCallContext context) => context.UserState[s_key] = this;

    public bool Allows(GrantLevel needed, string ns, string? app)
    {
        if (IsAnonymousRegistry)
        {
            return true;
        }

        foreach (var grant in Grants)
        {
            if (grant.Allows(needed, ns, app))
            {
                return true;
            }
        }

        return false;
    }

    public bool IsAdmin(string ns) => IsAnonymousRegistry || Allows(GrantLevel.Admin, ns, app: null);

    /// <summary>What the store needs for the ownership rule in <paramref name="ns"/>.</summary>
    public LeaseOwnership Ownership(string ns) => IsAnonymousRegistry ? LeaseOwnership.Anonymous : new LeaseOwnership(Name, IsAdmin(ns));

    /// <summary>The grant a denied call lacks, for the PERMISSION_DENIED message.</summary>
    public static string Missing(GrantLevel needed, string ns, string? app) =>
        needed == GrantLevel.Write && app is not null ? $"{ns}:write:{app}" : $"{ns}:{RegistryGrant.LevelName(needed)}";
}
