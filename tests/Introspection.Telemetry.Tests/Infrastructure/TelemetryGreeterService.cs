using Greeter.Contracts;
using Grpc.Core;

namespace Introspection.Telemetry.Tests.Infrastructure;

public sealed class TelemetryGreeterService : Greeter.Contracts.Greeter.GreeterBase
{
    public override Task<HelloReply> SayHello(HelloRequest request, ServerCallContext context) =>
        Task.FromResult(new HelloReply { Message = $"Hello {request.Name}", Instance = "telemetry" });
}
