using Greeter.Contracts;
using Grpc.Core;
using Introspection.Provider;
using Microsoft.Extensions.Options;

namespace Greeter.Provider;

/// <summary>greet.Greeter: answers with the instance that served the call, so the consumer can show the spread.</summary>
[IntrospectionService(Version = "1")]
public sealed class GreeterService(IOptions<IntrospectionProviderOptions> options) : Greeter.Contracts.Greeter.GreeterBase
{
    public override Task<HelloReply> SayHello(HelloRequest request, ServerCallContext context) =>
        Task.FromResult(new HelloReply { Message = $"Hello {request.Name}", Instance = InstanceName.Of(options.Value, context) });
}
