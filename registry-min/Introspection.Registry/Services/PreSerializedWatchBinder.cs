using Grpc.Core;
using Introspection.Protocol.Registry.V1;
using Introspection.Registry.Watch;

namespace Introspection.Registry.Services;

/// <summary>
/// Binds the Watch method with a response marshaller that writes a message's payload from
/// <see cref="PreSerializedWatchResponses"/> when it has one (shared DELTA messages), and serializes as
/// usual otherwise. Every other method passes through unchanged.
/// </summary>
internal sealed class PreSerializedWatchBinder(ServiceBinderBase inner) : ServiceBinderBase
{
    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
        inner.AddMethod(method, handler);

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
        inner.AddMethod(method, handler);

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
        inner.AddMethod(method is Method<TRequest, WatchResponse> watch ? (Method<TRequest, TResponse>)(object)WithPayloads(watch) : method, handler);

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
        inner.AddMethod(method, handler);

    internal static Method<TRequest, WatchResponse> WithPayloads<TRequest>(Method<TRequest, WatchResponse> method)
        where TRequest : class
    {
        var serialize = method.ResponseMarshaller.ContextualSerializer;
        var marshaller = new Marshaller<WatchResponse>(
            (response, context) =>
            {
                if (PreSerializedWatchResponses.TryGetPayload(response, out var payload))
                {
                    context.Complete(payload);
                }
                else
                {
                    serialize(response, context);
                }
            },
            method.ResponseMarshaller.ContextualDeserializer);
        return new Method<TRequest, WatchResponse>(method.Type, method.ServiceName, method.Name, method.RequestMarshaller, marshaller);
    }
}
