using Grpc.Core;
using Introspection.Protocol.Registry.V1;
using Introspection.Registry.Internal;
using Introspection.Registry.Security;
using Introspection.Registry.Stores;
using Introspection.Wire;

namespace Introspection.Registry.Services;

internal sealed partial class RegistryService
{
    public override async Task KeepAlive(IAsyncStreamReader<KeepAliveRequest> requestStream, IServerStreamWriter<KeepAliveResponse> responseStream, ServerCallContext context)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, _lifetime.ApplicationStopping);
        var cancellationToken = cts.Token;
        // Authenticated once by RegistryAuthorizer at the stream's start; the identity holds for the stream's life.
        var caller = RegistryCaller.From(context);
        try
        {
            // Answered strictly in order, one response per request: the caller matches them up
            // by position as well as by lease id. Errors are per response; the stream stays open.
            while (true)
            {
                KeepAliveResponse response;
                try
                {
                    if (!await requestStream.MoveNext(cancellationToken).ConfigureAwait(false))
                    {
                        break;
                    }

                    response = await RenewAsync(requestStream.Current, caller, cancellationToken).ConfigureAwait(false);
                }
                catch (MalformedMessageException ex) when (ex.StatusCode == StatusCode.InvalidArgument)
                {
                    // A protobuf parse failure inside an intact frame: grpc-dotnet consumed the frame,
                    // so the next one can still be read. Ending the stream would leave every other
                    // lease renewed on it unrenewed until the provider reconnects. Broken framing
                    // (other codes) leaves no next frame to find and ends the call.
                    WireFailureScope.Current?.Clear();
                    _wireErrors.Report(context.Method, ex);
                    response = Fail(new KeepAliveResponse(), StatusCode.InvalidArgument, ex.Status.Detail);
                }

                await responseStream.WriteAsync(response, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller closed the stream, or the registry is stopping (answered below).
        }
        catch (IOException ex) when (!_lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // The client reset the stream or dropped the connection (normal when a provider stops):
            // nobody is left to answer, and a client going away is not a registry failure.
            Log.KeepAliveClientGone(_logger, context.Peer, ex.Message);
            return;
        }

        ThrowIfStopping(context);
    }

    private async Task<KeepAliveResponse> RenewAsync(KeepAliveRequest request, RegistryCaller? caller, CancellationToken cancellationToken)
    {
        var response = new KeepAliveResponse { LeaseId = request.LeaseId };
        string ns;
        try
        {
            ns = RequestValidator.Namespace(request.Namespace);
        }
        catch (RpcException ex)
        {
            return Fail(response, StatusCode.InvalidArgument, ex.Status.Detail);
        }

        if (request.LeaseId <= 0)
        {
            return Fail(response, StatusCode.InvalidArgument, $"lease_id must be > 0, got {request.LeaseId}.");
        }

        if (caller is not null && !caller.Allows(GrantLevel.Write, ns, app: null))
        {
            _audit.RenewalRefused(caller, ns, request.LeaseId, "missing_grant");
            return Fail(response, StatusCode.PermissionDenied, $"Principal '{caller.Name}' lacks grant '{RegistryCaller.Missing(GrantLevel.Write, ns, null)}' (any write grant of the namespace) to renew leases.");
        }

        try
        {
            // Another principal's lease answers NOT_FOUND below, exactly like an unknown one (checked in the store).
            var result = await _store.RenewOwnedAsync(ns, request.LeaseId, Ownership(caller, ns), cancellationToken).ConfigureAwait(false);
            _metrics.Renewed(result.Found);
            if (!result.Found)
            {
                Log.RenewalNotFound(_logger, ns, request.LeaseId);
                return Fail(response, StatusCode.NotFound, $"Lease {request.LeaseId} is unknown or expired in namespace '{ns}': register again.");
            }

            _renewalOutage.Succeeded();
            // The instance's own keep-alive works (again): probe extensions start over.
            _extensions.Reset(request.LeaseId);
            response.TtlMs = (long)result.Remaining.TotalMilliseconds;
            return response;
        }
        catch (RegistryStoreUnavailableException ex)
        {
            _renewalOutage.Failed(ex);
            return Fail(response, StatusCode.Unavailable, "The registry store is unavailable: retry.");
        }
    }

    private static KeepAliveResponse Fail(KeepAliveResponse response, StatusCode code, string message)
    {
        response.Code = (int)code;
        response.Message = message;
        response.TtlMs = 0;
        return response;
    }
}
