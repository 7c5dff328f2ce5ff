using Google.Protobuf;
using Grpc.Core;

namespace Introspection.Wire;

/// <summary>
/// A <see cref="ServiceBinderBase"/> decorator that binds every method with a request marshaller
/// whose parse failures (<see cref="InvalidProtocolBufferException"/>: invalid UTF-8, a wrong wire
/// type, a truncated message, tag 0) become INVALID_ARGUMENT naming the failure. grpc-dotnet parses
/// a unary or server-streaming request before any interceptor or service code runs, so the marshaller
/// is the first place that can turn the failure into a status rather than UNKNOWN plus an Error log
/// with a stack trace. A generated <c>BindService(binder, impl)</c> is called with this binder
/// wrapped around grpc-dotnet's own (see the services' <c>[BindServiceMethod]</c> attributes).
/// </summary>
internal sealed class MalformedMessageBinder(ServiceBinderBase inner) : ServiceBinderBase
{
    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
        inner.AddMethod(Wrap(method), handler);

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
        inner.AddMethod(Wrap(method), handler);

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
        inner.AddMethod(Wrap(method), handler);

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
        inner.AddMethod(Wrap(method), handler);

    private static Method<TRequest, TResponse> Wrap<TRequest, TResponse>(Method<TRequest, TResponse> method)
        where TRequest : class
        where TResponse : class
    {
        var deserialize = method.RequestMarshaller.ContextualDeserializer;
        var typeName = typeof(TRequest).Name;
        var requestMarshaller = new Marshaller<TRequest>(method.RequestMarshaller.ContextualSerializer, context =>
        {
            try
            {
                return deserialize(context);
            }
            catch (InvalidProtocolBufferException ex)
            {
                throw WireFailureScope.Fail(StatusCode.InvalidArgument, $"Malformed {typeName}: {ex.Message}");
            }
        });
        return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, requestMarshaller, method.ResponseMarshaller);
    }
}
