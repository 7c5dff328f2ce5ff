using Grpc.Core;

namespace Introspection.Wire;

/// <summary>
/// A request message that could not be read: its frame or its protobuf bytes are malformed. An
/// <see cref="RpcException"/>, so grpc-dotnet answers its status instead of UNKNOWN; its own type, so
/// a streaming handler can tell it from other failures, answer the one message and keep reading.
/// </summary>
internal sealed class MalformedMessageException : RpcException
{
    public MalformedMessageException(StatusCode code, string detail)
        : base(new Status(code, detail))
    {
    }
}
