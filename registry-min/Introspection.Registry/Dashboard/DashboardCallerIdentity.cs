using System.Security.Claims;
using Introspection.Registry.Security;

namespace Introspection.Registry.Dashboard;

/// <summary>
/// The identity the dashboard's endpoint filter gives an authenticated request: it carries the registry's own view
/// of the caller (name, grants), so <see cref="DashboardDataAccess.MayRead"/> applies the same read grants as
/// ListApps or Watch.
/// </summary>
internal sealed class DashboardCallerIdentity(RegistryCaller caller) : ClaimsIdentity(
    [new Claim(ClaimTypes.Name, caller.Name)], caller.Scheme)
{
    public RegistryCaller Caller { get; } = caller;
}
