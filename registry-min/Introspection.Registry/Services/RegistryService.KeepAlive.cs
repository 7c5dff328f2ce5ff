using Grpc.Core;
using Introspection.Protocol.Registry.V1;
using Introspection.Registry.Internal;
using Introspection.Registry.Security;
using Introspection.Registry.Stores;
using Introspection.Wire;

namespace Introspection.Registry.Services;

internal sealed partial class RegistryService
{
    /// <summary>
    /// Most renewals taken off one stream for one store call. Bounded so one provider's backlog cannot
    /// hold a store call (a Redis script) for long, and large enough that a process renewing all its
    /// leases at once is one call.
    /// </summary>
    internal const int MaxKeepAliveBurst = 256;

    private static readonly WriteOptions s_bufferHint = new(WriteFlags.BufferHint);

    public override async Task KeepAlive(IAsyncStreamReader<KeepAliveRequest> requestStream, IServerStreamWriter<KeepAliveResponse> responseStream, ServerCallContext context)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, _lifetime.ApplicationStopping);
        var cancellationToken = cts.Token;
        // Authenticated once by RegistryAuthorizer at the stream's start; the identity holds for the stream's life.
        var caller = RegistryCaller.From(context);
        var burst = new KeepAliveBurst(MaxKeepAliveBurst);
        Task<bool>? pendingRead = null;
        try
        {
            // Answered strictly in order, one response per request: the caller matches them up
            // by position as well as by lease id. Errors are per response; the stream stays open.
            // Every request the stream has already received (a read that completes at once) joins
            // one burst: one store call renews them all and their responses go out in one flush.
            var ended = false;
            while (!ended)
            {
                var read = pendingRead ?? requestStream.MoveNext(cancellationToken);
                pendingRead = null;
                if (!await ReadIntoAsync(burst, read, requestStream, context).ConfigureAwait(false))
                {
                    break;
                }

                while (!burst.IsFull)
                {
                    read = requestStream.MoveNext(cancellationToken);
                    if (!read.IsCompleted)
                    {
                        // Nothing more buffered: answer what we have while the next request is on its way.
                        pendingRead = read;
                        break;
                    }

                    if (!await ReadIntoAsync(burst, read, requestStream, context).ConfigureAwait(false))
                    {
                        ended = true;
                        break;
                    }
                }

                await RenewBurstAsync(burst, caller, cancellationToken).ConfigureAwait(false);
                await WriteBurstAsync(burst, responseStream, cancellationToken).ConfigureAwait(false);
                burst.Clear();
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
        finally
        {
            // A read still outstanding when the call ends fails with the call: observe it so its
            // exception is not reported as unobserved.
            pendingRead?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        ThrowIfStopping(context);
    }

    /// <summary>Adds the request <paramref name="read"/> produced to the burst; false at the end of the stream.</summary>
    private async ValueTask<bool> ReadIntoAsync(KeepAliveBurst burst, Task<bool> read, IAsyncStreamReader<KeepAliveRequest> requestStream, ServerCallContext context)
    {
        try
        {
            if (!await read.ConfigureAwait(false))
            {
                return false;
            }

            burst.Add(requestStream.Current);
        }
        catch (MalformedMessageException ex) when (ex.StatusCode == StatusCode.InvalidArgument)
        {
            // A protobuf parse failure inside an intact frame: grpc-dotnet consumed the frame,
            // so the next one can still be read. Ending the stream would leave every other
            // lease renewed on it unrenewed until the provider reconnects. Broken framing
            // (other codes) leaves no next frame to find and ends the call.
            WireFailureScope.Current?.Clear();
            _wireErrors.Report(context.Method, ex);
            burst.AddAnswered(Fail(new KeepAliveResponse(), StatusCode.InvalidArgument, ex.Status.Detail));
        }

        return true;
    }

    /// <summary>Validates every request of the burst, then renews the valid ones in one store call.</summary>
    private async Task RenewBurstAsync(KeepAliveBurst burst, RegistryCaller? caller, CancellationToken cancellationToken)
    {
        for (var i = 0; i < burst.Count; i++)
        {
            if (burst.Request(i) is not { } request)
            {
                continue;
            }

            if (Check(request, caller, out var ns) is { } refused)
            {
                burst.Answer(i, refused);
            }
            else
            {
                burst.Renew(i, new LeaseRenewal(ns, request.LeaseId, Ownership(caller, ns)));
            }
        }

        var renewals = burst.Renewals;
        if (renewals.Count == 0)
        {
            return;
        }

        IReadOnlyList<RenewResult> results;
        try
        {
            results = await _store.RenewBatchAsync(renewals, cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryStoreUnavailableException ex)
        {
            _renewalOutage.Failed(ex);
            burst.AnswerAllPending(request => Fail(new KeepAliveResponse { LeaseId = request.LeaseId }, StatusCode.Unavailable, "The registry store is unavailable: retry."));
            return;
        }

        var anyFound = false;
        burst.AnswerPending((position, request) =>
        {
            var renewal = renewals[position];
            var result = results[position];
            _metrics.Renewed(result.Found);
            var response = new KeepAliveResponse { LeaseId = request.LeaseId };
            if (!result.Found)
            {
                Log.RenewalNotFound(_logger, renewal.Namespace, request.LeaseId);
                return Fail(response, StatusCode.NotFound, $"Lease {request.LeaseId} is unknown or expired in namespace '{renewal.Namespace}': register again.");
            }

            anyFound = true;
            // The instance's own keep-alive works (again): probe extensions start over.
            _extensions.Reset(request.LeaseId);
            response.TtlMs = (long)result.Remaining.TotalMilliseconds;
            return response;
        });

        if (anyFound)
        {
            _renewalOutage.Succeeded();
        }
    }

    /// <summary>
    /// The refusal a request gets before any store call (bad namespace, bad id, missing grant); null when it may
    /// renew, with <paramref name="ns"/> its validated namespace.
    /// </summary>
    private KeepAliveResponse? Check(KeepAliveRequest request, RegistryCaller? caller, out string ns)
    {
        var response = new KeepAliveResponse { LeaseId = request.LeaseId };
        try
        {
            ns = RequestValidator.Namespace(request.Namespace);
        }
        catch (RpcException ex)
        {
            ns = string.Empty;
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

        return null;
    }

    /// <summary>Every response of the burst in order; all but the last buffered, so the burst is one flush.</summary>
    private static async Task WriteBurstAsync(KeepAliveBurst burst, IServerStreamWriter<KeepAliveResponse> responseStream, CancellationToken cancellationToken)
    {
        var flushOptions = responseStream.WriteOptions;
        for (var i = 0; i < burst.Count; i++)
        {
            responseStream.WriteOptions = i < burst.Count - 1 ? s_bufferHint : flushOptions;
            await responseStream.WriteAsync(burst.Response(i), cancellationToken).ConfigureAwait(false);
        }

        responseStream.WriteOptions = flushOptions;
    }

    private static KeepAliveResponse Fail(KeepAliveResponse response, StatusCode code, string message)
    {
        response.Code = (int)code;
        response.Message = message;
        response.TtlMs = 0;
        return response;
    }
}
