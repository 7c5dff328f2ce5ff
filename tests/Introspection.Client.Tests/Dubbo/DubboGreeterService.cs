using Grpc.Core;
using Greeter.Contracts;

namespace Introspection.Client.Tests.Dubbo;

/// <summary>greet.Greeter answering with a fixed instance name, for the providers of the Dubbo tests.</summary>
public sealed class DubboGreeterService(string instance) : Greeter.Contracts.Greeter.GreeterBase
{
    public override Task<HelloReply> SayHello(HelloRequest request, ServerCallContext context) =>
        Task.FromResult(new HelloReply { Message = "Hello " + request.Name, Instance = instance });
}
