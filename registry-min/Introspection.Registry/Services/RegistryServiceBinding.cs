using Grpc.Core;
using Introspection.Wire;

namespace Introspection.Registry.Services;

/// <summary>
/// Binds <see cref="RegistryService"/> through <see cref="MalformedMessageBinder"/> (request parse failures) and
/// <see cref="PreSerializedWatchBinder"/> (shared Watch payloads). grpc-dotnet looks for
/// <c>[BindServiceMethod]</c> on the service type before its generated base, so the attribute on
/// <see cref="RegistryService"/> routes the binding here and grpc-dotnet's default binder is not used.
/// </summary>
internal static class RegistryServiceBinding
{
    /// <summary>What gRPC server reflection reads from the bind type (it follows the same attribute).</summary>
    public static Google.Protobuf.Reflection.ServiceDescriptor Descriptor => Protocol.Registry.V1.Registry.Descriptor;

    // The generated base as the parameter type: grpc-dotnet binds the handlers that override its
    // methods; the attribute's lookup with the derived type still finds this overload.
    public static void BindService(ServiceBinderBase serviceBinder, Protocol.Registry.V1.Registry.RegistryBase serviceImpl) =>
        Protocol.Registry.V1.Registry.BindService(new MalformedMessageBinder(new PreSerializedWatchBinder(serviceBinder)), serviceImpl);
}
