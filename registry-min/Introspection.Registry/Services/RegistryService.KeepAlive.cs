using Grpc.Core;
using Introspection.Protocol.Registry.V1;
using Introspection.Registry.Internal;
using Introspection.Registry.Stores;

namespace Introspection.Registry.Services;

internal sealed partial class RegistryService
{
    public override async Task KeepAlive(IAsyncStreamReader<KeepAliveRequest> requestStream, IServerStreamWriter<KeepAliveResponse> responseStream, ServerCallContext context)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, _lifetime.ApplicationStopping);
        var cancellationToken = cts.Token;
        try
        {
            // Answered strictly in order, one response per request: the caller matches them up
            // by position as well as by lease id. Errors are per response; the stream stays open.
            while (await requestStream.MoveNext(cancellationToken).ConfigureAwait(false))
            {
                var response = await RenewAsync(requestStream.Current, cancellationToken).ConfigureAwait(false);
                await responseStream.WriteAsync(response, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller closed the stream, or the registry is stopping (answered below).
        }

        ThrowIfStopping(context);
    }

    private async Task<KeepAliveResponse> RenewAsync(KeepAliveRequest request, CancellationToken cancellationToken)
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

        try
        {
            var result = await _store.RenewAsync(ns, request.LeaseId, cancellationToken).ConfigureAwait(false);
            _metrics.Renewed(result.Found);
            if (!result.Found)
            {
                Log.RenewalNotFound(_logger, ns, request.LeaseId);
                return Fail(response, StatusCode.NotFound, $"Lease {request.LeaseId} is unknown or expired in namespace '{ns}': register again.");
            }

            // The instance's own keep-alive works (again): probe extensions start over.
            _extensions.Reset(request.LeaseId);
            response.TtlMs = (long)result.Remaining.TotalMilliseconds;
            return response;
        }
        catch (RegistryStoreUnavailableException ex)
        {
            Log.StoreUnavailable(_logger, ex);
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
