using Google.Protobuf.Reflection;
using Grpc.Core;
using Introspection.Wire;
using Org.Apache.Dubbo.Metadata;

namespace Introspection.Provider.Dubbo;

/// <summary>
/// Binds <see cref="DubboMetadataGrpcService"/> through <see cref="MalformedMessageBinder"/>, as
/// <c>MetadataGrpcServiceBinding</c> does for our own service: a malformed <c>MetadataRequest</c> answers
/// INVALID_ARGUMENT, never UNKNOWN.
/// </summary>
internal static class DubboMetadataGrpcServiceBinding
{
    /// <summary>What gRPC server reflection reads from the bind type.</summary>
    public static ServiceDescriptor Descriptor => MetadataServiceV2.Descriptor;

    public static void BindService(ServiceBinderBase serviceBinder, MetadataServiceV2.MetadataServiceV2Base serviceImpl) =>
        MetadataServiceV2.BindService(new MalformedMessageBinder(serviceBinder), serviceImpl);
}
