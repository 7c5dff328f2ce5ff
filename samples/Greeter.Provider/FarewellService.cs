using Greeter.Contracts;
using Grpc.Core;
using Introspection.Provider;
using Microsoft.Extensions.Options;

namespace Greeter.Provider;

/// <summary>greet.Farewell: a second service in the same app, so its metadata lists two services.</summary>
public sealed class FarewellService(IOptions<IntrospectionProviderOptions> options) : Farewell.FarewellBase
{
    public override Task<HelloReply> SayGoodbye(HelloRequest request, ServerCallContext context) =>
        Task.FromResult(new HelloReply { Message = $"Goodbye {request.Name}", Instance = InstanceName.Of(options.Value, context) });
}
