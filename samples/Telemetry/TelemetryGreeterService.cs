using Greeter.Contracts;
using Grpc.Core;

namespace Introspection.Samples.Telemetry;

/// <summary>greet.Greeter of the sample's in-process provider.</summary>
public sealed class TelemetryGreeterService : Greeter.Contracts.Greeter.GreeterBase
{
    public override Task<HelloReply> SayHello(HelloRequest request, ServerCallContext context) =>
        Task.FromResult(new HelloReply { Message = $"Hello {request.Name}", Instance = "telemetry-sample" });
}
