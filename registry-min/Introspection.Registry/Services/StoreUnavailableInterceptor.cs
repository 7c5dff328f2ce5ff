using Grpc.Core;
using Grpc.Core.Interceptors;
using Introspection.Registry.Internal;
using Introspection.Registry.Stores;

namespace Introspection.Registry.Services;

/// <summary>
/// Maps <see cref="RegistryStoreUnavailableException"/> to UNAVAILABLE for every call, so no RPC
/// answers UNKNOWN (or, worse, something stale) while the store is unreachable; and
/// <see cref="RegistryLimitExceededException"/> (a cap of the store or the watch hub) to
/// RESOURCE_EXHAUSTED with the message that names the limit.
/// </summary>
internal sealed partial class StoreUnavailableInterceptor(ILogger<StoreUnavailableInterceptor> logger, RegistryMetrics? metrics = null) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context).ConfigureAwait(false);
        }
        catch (RegistryStoreUnavailableException ex)
        {
            throw Unavailable(context, ex);
        }
        catch (RegistryLimitExceededException ex)
        {
            throw Exhausted(context, ex);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context).ConfigureAwait(false);
        }
        catch (RegistryStoreUnavailableException ex)
        {
            throw Unavailable(context, ex);
        }
        catch (RegistryLimitExceededException ex)
        {
            throw Exhausted(context, ex);
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context).ConfigureAwait(false);
        }
        catch (RegistryStoreUnavailableException ex)
        {
            throw Unavailable(context, ex);
        }
        catch (RegistryLimitExceededException ex)
        {
            throw Exhausted(context, ex);
        }
    }

    private RpcException Exhausted(ServerCallContext context, RegistryLimitExceededException ex)
    {
        Log.LimitExceeded(logger, context.Method, ex.Message);
        metrics?.LimitRejected(ex.Limit);
        return new RpcException(new Status(StatusCode.ResourceExhausted, ex.Message));
    }

    private RpcException Unavailable(ServerCallContext context, RegistryStoreUnavailableException ex)
    {
        Log.StoreUnavailable(logger, context.Method, ex);
        return new RpcException(new Status(StatusCode.Unavailable, "The registry store is unavailable: retry.", ex));
    }
}
