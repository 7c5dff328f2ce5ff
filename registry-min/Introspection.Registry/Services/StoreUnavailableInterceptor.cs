using Grpc.Core;
using Grpc.Core.Interceptors;
using Introspection.Registry.Stores;

namespace Introspection.Registry.Services;

/// <summary>
/// Maps <see cref="RegistryStoreUnavailableException"/> to UNAVAILABLE for every call, so no RPC
/// answers UNKNOWN (or, worse, something stale) while the store is unreachable.
/// </summary>
internal sealed partial class StoreUnavailableInterceptor(ILogger<StoreUnavailableInterceptor> logger) : Interceptor
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
    }

    private RpcException Unavailable(ServerCallContext context, RegistryStoreUnavailableException ex)
    {
        Log.StoreUnavailable(logger, context.Method, ex);
        return new RpcException(new Status(StatusCode.Unavailable, "The registry store is unavailable: retry.", ex));
    }
}
