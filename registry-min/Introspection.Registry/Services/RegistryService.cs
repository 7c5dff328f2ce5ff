using Grpc.Core;
using Introspection.Protocol.Registry.V1;
using Introspection.Registry.Internal;
using Introspection.Registry.Leases;
using Introspection.Registry.Security;
using Introspection.Registry.Stores;
using Introspection.Registry.Watch;
using Introspection.Wire;
using Microsoft.Extensions.Options;

namespace Introspection.Registry.Services;

/// <summary>
/// The <c>introspection.registry.v1.Registry</c> gRPC service: validates, canonicalises and hands
/// each call to the store. Store outages become UNAVAILABLE in <see cref="StoreUnavailableInterceptor"/>.
/// </summary>
[BindServiceMethod(typeof(RegistryServiceBinding), nameof(RegistryServiceBinding.BindService))]
internal sealed partial class RegistryService : Protocol.Registry.V1.Registry.RegistryBase
{
    private readonly IRegistryStore _store;
    private readonly RequestValidator _validator;
    private readonly LeaseTtlPolicy _ttlPolicy;
    private readonly WatchSession _watchSession;
    private readonly RegistryMetrics _metrics;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<RegistryService> _logger;
    private readonly LeaseExtensions _extensions;
    private readonly WireErrorLog _wireErrors;
    private readonly RenewalOutageLog _renewalOutage;
    private readonly RegistryLimitsOptions _limits;
    private readonly RegistryAudit _audit;

    public RegistryService(IRegistryStore store, RequestValidator validator, LeaseTtlPolicy ttlPolicy, WatchSession watchSession, RegistryMetrics metrics, IHostApplicationLifetime lifetime, ILogger<RegistryService> logger, LeaseExtensions extensions, WireErrorLog wireErrors, RenewalOutageLog renewalOutage, IOptions<RegistryOptions>? options = null, RegistryAudit? audit = null)
    {
        _audit = audit ?? new RegistryAudit(Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        _wireErrors = wireErrors;
        _renewalOutage = renewalOutage;
        _limits = options?.Value.Limits ?? new RegistryLimitsOptions();
        _extensions = extensions;
        _lifetime = lifetime;
        _store = store;
        _validator = validator;
        _ttlPolicy = ttlPolicy;
        _watchSession = watchSession;
        _metrics = metrics;
        _logger = logger;
    }

    public override async Task<RegisterResponse> Register(RegisterRequest request, ServerCallContext context)
    {
        var ns = RequestValidator.Namespace(request.Namespace);
        _validator.Instance(request.Instance);
        RequestValidator.LeaseTtl(request.TtlMs);

        var ttl = _ttlPolicy.Grant(request.TtlMs);
        var caller = RegistryCaller.From(context);
        var result = await _store.RegisterOwnedAsync(ns, ProtoConvert.ToRecord(request.Instance), ttl, Ownership(caller, ns), context.CancellationToken).ConfigureAwait(false);
        _metrics.Registered();
        _audit.Registered(caller, ns, request.Instance.App, request.Instance.InstanceId, request.Instance.Host, request.Instance.Port, result.Revision);
        Log.Registered(_logger, ns, request.Instance.App, request.Instance.InstanceId, request.Instance.Host, request.Instance.Port, result.LeaseId, (long)ttl.TotalMilliseconds, result.Revision);
        return new RegisterResponse
        {
            LeaseId = result.LeaseId,
            TtlMs = (long)result.Ttl.TotalMilliseconds,
            Revision = result.Revision,
        };
    }

    public override async Task<UpdateInstanceResponse> UpdateInstance(UpdateInstanceRequest request, ServerCallContext context)
    {
        var ns = RequestValidator.Namespace(request.Namespace);
        RequestValidator.App("app", request.App);
        RequestValidator.InstanceId("instance_id", request.InstanceId);
        string? revision = null;
        if (request.Revision.Length > 0)
        {
            RequestValidator.Revision("revision", request.Revision);
            revision = request.Revision;
        }

        if (request.SetLabels)
        {
            _validator.Labels("labels", request.Labels);
        }

        var caller = RegistryCaller.From(context);
        var result = await _store.UpdateOwnedAsync(ns, request.App, request.InstanceId, revision, request.SetLabels ? request.Labels : null, Ownership(caller, ns), context.CancellationToken).ConfigureAwait(false)
            ?? throw NotFound(ns, request.App, request.InstanceId);
        _audit.Updated(caller, ns, request.App, request.InstanceId, result);
        return new UpdateInstanceResponse { Revision = result };
    }

    public override async Task<DeregisterResponse> Deregister(DeregisterRequest request, ServerCallContext context)
    {
        var ns = RequestValidator.Namespace(request.Namespace);
        RequestValidator.App("app", request.App);
        RequestValidator.InstanceId("instance_id", request.InstanceId);
        var caller = RegistryCaller.From(context);
        var revision = await _store.DeregisterOwnedAsync(ns, request.App, request.InstanceId, Ownership(caller, ns), context.CancellationToken).ConfigureAwait(false)
            ?? throw NotFound(ns, request.App, request.InstanceId);
        _audit.Deregistered(caller, ns, request.App, request.InstanceId, revision);
        Log.Deregistered(_logger, ns, request.App, request.InstanceId, revision);
        return new DeregisterResponse { Revision = revision };
    }

    public override async Task<ListAppsResponse> ListApps(ListAppsRequest request, ServerCallContext context)
    {
        var ns = RequestValidator.Namespace(request.Namespace);
        var result = await _store.ListAppsAsync(ns, context.CancellationToken).ConfigureAwait(false);
        var response = new ListAppsResponse { Revision = result.Revision };
        foreach (var (app, count) in result.Apps)
        {
            response.Apps.Add(new AppSummary { App = app, InstanceCount = count });
        }

        return response;
    }

    public override async Task<ListInstancesResponse> ListInstances(ListInstancesRequest request, ServerCallContext context)
    {
        var ns = RequestValidator.Namespace(request.Namespace);
        RequestValidator.App("app", request.App);
        var result = await _store.ListInstancesAsync(ns, request.App, context.CancellationToken).ConfigureAwait(false);
        var response = new ListInstancesResponse { Revision = result.Revision };
        foreach (var instance in result.Instances)
        {
            response.Instances.Add(ProtoConvert.ToProto(instance));
        }

        if (request.Compact)
        {
            CompactTables.Compact(response);
        }

        return response;
    }

    public override async Task<MapServiceResponse> MapService(MapServiceRequest request, ServerCallContext context)
    {
        var ns = RequestValidator.Namespace(request.Namespace);
        RequestValidator.App("app", request.App);
        RequestValidator.Services(request.Services);
        if (request.Services.Count > _limits.MaxServicesPerMapService)
        {
            // Bounds one call's work: on Redis it is one script, and a script blocks every other
            // client of that Redis while it runs.
            throw new RegistryLimitExceededException(nameof(RegistryLimitsOptions.MaxServicesPerMapService), _limits.MaxServicesPerMapService, $"the call names {request.Services.Count} services; map them in several calls");
        }

        var services = request.Services.Distinct(StringComparer.Ordinal).ToArray();
        var revision = await _store.MapServicesAsync(ns, request.App, services, context.CancellationToken).ConfigureAwait(false);
        _audit.ServicesMapped(RegistryCaller.From(context), ns, request.App, services.Length, revision);
        return new MapServiceResponse { Revision = revision };
    }

    public override async Task<LookupServiceResponse> LookupService(LookupServiceRequest request, ServerCallContext context)
    {
        var ns = RequestValidator.Namespace(request.Namespace);
        RequestValidator.Service("service", request.Service);
        var result = await _store.LookupServiceAsync(ns, request.Service, context.CancellationToken).ConfigureAwait(false);
        var response = new LookupServiceResponse { Revision = result.Revision };
        response.Apps.AddRange(result.Apps);
        return response;
    }

    public override async Task Watch(WatchRequest request, IServerStreamWriter<WatchResponse> responseStream, ServerCallContext context)
    {
        var ns = RequestValidator.Namespace(request.Namespace);
        RequestValidator.WatchApps(request.Apps);
        RequestValidator.SinceRevision(request.SinceRevision);
        IReadOnlySet<string>? apps = request.Apps.Count == 0 ? null : new HashSet<string>(request.Apps, StringComparer.Ordinal);
        var filter = new WatchFilter(ns, apps, request.IncludeServiceMappings, request.Compact);

        // Long-lived streams end when the registry stops, or Kestrel's graceful shutdown would wait
        // for them until its timeout. UNAVAILABLE tells the client to reconnect (elsewhere) and resume.
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, _lifetime.ApplicationStopping);
        await _watchSession.RunAsync(filter, request.SinceRevision, responseStream, cts.Token).ConfigureAwait(false);
        ThrowIfStopping(context);
    }

    private void ThrowIfStopping(ServerCallContext context)
    {
        if (_lifetime.ApplicationStopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "The registry is shutting down: reconnect and resume."));
        }
    }

    /// <summary>No caller (a test calling the service directly, or an anonymous registry): no ownership.</summary>
    private static LeaseOwnership Ownership(RegistryCaller? caller, string ns) => caller?.Ownership(ns) ?? LeaseOwnership.Anonymous;

    private static RpcException NotFound(string ns, string app, string instanceId) =>
        new(new Status(StatusCode.NotFound, $"No instance '{instanceId}' of app '{app}' in namespace '{ns}'."));
}
