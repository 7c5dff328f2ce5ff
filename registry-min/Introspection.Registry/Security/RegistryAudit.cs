namespace Introspection.Registry.Security;

/// <summary>
/// The audit log (category <c>Introspection.Registry.Audit</c>, EventIds 600-619): every write, by whom (principal
/// and scheme), on what (namespace/app/instance), from where (remote IP:port), and every refused call. Tokens and
/// keys are never written: only principal names.
/// </summary>
internal sealed partial class RegistryAudit(ILoggerFactory loggerFactory)
{
    public const string CategoryName = "Introspection.Registry.Audit";

    private readonly ILogger _logger = loggerFactory.CreateLogger(CategoryName);

    public void Registered(RegistryCaller? caller, string ns, string app, string instanceId, string host, int port, long revision) =>
        Log.Registered(_logger, Who(caller), Scheme(caller), ns, app, instanceId, host, port, Where(caller), revision);

    public void Updated(RegistryCaller? caller, string ns, string app, string instanceId, long revision) =>
        Log.Updated(_logger, Who(caller), Scheme(caller), ns, app, instanceId, Where(caller), revision);

    public void Deregistered(RegistryCaller? caller, string ns, string app, string instanceId, long revision) =>
        Log.Deregistered(_logger, Who(caller), Scheme(caller), ns, app, instanceId, caller?.IsAdmin(ns) == true && caller.IsAnonymousRegistry is false, Where(caller), revision);

    public void ServicesMapped(RegistryCaller? caller, string ns, string app, int services, long revision) =>
        Log.ServicesMapped(_logger, Who(caller), Scheme(caller), ns, app, services, Where(caller), revision);

    public void Denied(RegistryCaller caller, string method, string reason, string message) =>
        Log.Denied(_logger, caller.Name, caller.Scheme, method, reason, caller.Remote, message);

    public void Unauthenticated(string method, string remote, string reason) =>
        Log.Unauthenticated(_logger, method, reason, remote);

    public void RenewalRefused(RegistryCaller caller, string ns, long leaseId, string reason) =>
        Log.RenewalRefused(_logger, caller.Name, caller.Scheme, ns, leaseId, reason, caller.Remote);

    private static string Who(RegistryCaller? caller) => caller?.Name ?? RegistryAuthenticationSchemes.Anonymous;

    private static string Scheme(RegistryCaller? caller) => caller?.Scheme ?? RegistryAuthenticationSchemes.Anonymous;

    private static string Where(RegistryCaller? caller) => caller?.Remote ?? "unknown";
}
