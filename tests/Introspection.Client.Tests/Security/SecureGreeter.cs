using Greeter.Contracts;
using Grpc.Core;
using Introspection.Provider;
using Microsoft.Extensions.Options;

namespace Introspection.Client.Tests.Security;

/// <summary>greet.Greeter answering with the instance id, for the TLS tests' providers.</summary>
internal sealed class SecureGreeter(IOptions<IntrospectionProviderOptions> options) : Greeter.Contracts.Greeter.GreeterBase
{
    public override Task<HelloReply> SayHello(HelloRequest request, ServerCallContext context) =>
        Task.FromResult(new HelloReply { Message = "Hello " + request.Name, Instance = options.Value.InstanceId ?? string.Empty });
}
