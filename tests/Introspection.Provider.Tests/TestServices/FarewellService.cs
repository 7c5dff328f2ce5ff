using Grpc.Core;
using Greeter.Contracts;

namespace Introspection.Provider.Tests.TestServices;

/// <summary>greet.Farewell for the tests.</summary>
public sealed class FarewellService : Farewell.FarewellBase
{
    public override Task<HelloReply> SayGoodbye(HelloRequest request, ServerCallContext context) =>
        Task.FromResult(new HelloReply { Message = "Goodbye " + request.Name, Instance = context.Host });
}
