using Google.Protobuf.Reflection;
using Grpc.Core;
using Introspection.Protocol.Metadata.V1;
using Introspection.Wire;

namespace Introspection.Provider.Internal;

/// <summary>
/// Binds <see cref="MetadataGrpcService"/> through <see cref="MalformedMessageBinder"/> (a malformed
/// GetMetadataInfoRequest answers INVALID_ARGUMENT, not UNKNOWN). grpc-dotnet looks for
/// <c>[BindServiceMethod]</c> on the service type before its generated base.
/// </summary>
internal static class MetadataGrpcServiceBinding
{
    /// <summary>What gRPC server reflection reads from the bind type (it follows the same attribute).</summary>
    public static ServiceDescriptor Descriptor => MetadataService.Descriptor;

    // The generated base as the parameter type: grpc-dotnet binds the handlers that override its
    // methods; the attribute's lookup with the derived type still finds this overload.
    public static void BindService(ServiceBinderBase serviceBinder, MetadataService.MetadataServiceBase serviceImpl) =>
        MetadataService.BindService(new MalformedMessageBinder(serviceBinder), serviceImpl);
}
