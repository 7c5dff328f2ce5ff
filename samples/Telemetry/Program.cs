using System.Globalization;
using Greeter.Contracts;
using Introspection.Registry;
using Introspection.Samples.Telemetry;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

// The spans and metrics of a call through discovery, on the console: a registry, a Greeter provider and a consumer,
// all in this process on loopback ports, and OpenTelemetry with the console exporter on the consumer's host.
// ActivitySource and Meter listeners are process-wide, so that one AddIntrospectionInstrumentation() pair sees the
// registry's and the provider's telemetry as well as the consumer's.
//   dotnet run --project samples/Telemetry -- --calls 3
var calls = args.SkipWhile(a => a != "--calls").Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(3);

// 1. The registry (the same code path as the registry host), on a free loopback port.
await using var registry = RegistryApplication.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"]);
await registry.StartAsync();
var registryUrl = registry.Urls.First();

// 2. The consumer, with OpenTelemetry: one call each for traces and metrics, the console exporter for both.
// Started before the provider so its registration span is seen too.
var consumerBuilder = Host.CreateApplicationBuilder();
consumerBuilder.Logging.SetMinimumLevel(LogLevel.Warning);
consumerBuilder.Services.AddOpenTelemetry()
    .ConfigureResource(r => r.AddService("telemetry-sample"))
    .WithTracing(t => t.AddIntrospectionInstrumentation().AddConsoleExporter())
    .WithMetrics(m => m.AddIntrospectionInstrumentation().AddConsoleExporter());
consumerBuilder.Services.AddIntrospectionClient(o =>
{
    o.Registries.Add(registryUrl);
    o.EnableSnapshot = false;
});
consumerBuilder.Services.AddGrpcClient<Greeter.Contracts.Greeter.GreeterClient>(o => o.Address = new Uri("introspect:///greet.Greeter"));
var consumer = consumerBuilder.Build();
await consumer.StartAsync();

// 3. A provider of greet.Greeter, registered as app "greeter".
var providerBuilder = WebApplication.CreateSlimBuilder();
providerBuilder.WebHost.UseUrls("http://127.0.0.1:0");
providerBuilder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(e => e.Protocols = HttpProtocols.Http2));
providerBuilder.Logging.SetMinimumLevel(LogLevel.Warning);
providerBuilder.Services.AddGrpc();
providerBuilder.Services.AddIntrospectionProvider(o =>
{
    o.App = "greeter";
    o.Registries.Add(registryUrl);
    o.PropagationDelay = TimeSpan.FromMilliseconds(200);
});
await using var provider = providerBuilder.Build();
provider.MapGrpcService<TelemetryGreeterService>();
provider.MapIntrospectionMetadata();
await provider.StartAsync();

try
{
    var greeter = consumer.Services.GetRequiredService<Greeter.Contracts.Greeter.GreeterClient>();
    for (var call = 1; call <= calls; call++)
    {
        // The first call waits for the provider's registration to reach the consumer (waitForReady);
        // later calls resolve from the cached view and add no span of ours.
        var reply = await greeter.SayHelloAsync(new HelloRequest { Name = "telemetry" }, new Grpc.Core.CallOptions(deadline: DateTime.UtcNow.AddSeconds(20)).WithWaitForReady());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"call #{call}: {reply.Message} from {reply.Instance}"));
    }
}
finally
{
    // The provider's graceful shutdown (deregister, drain) is a span too; stopping the consumer's host then
    // disposes its MeterProvider, which exports the metrics one last time.
    await provider.StopAsync();
    await consumer.StopAsync();
    consumer.Dispose();
    await registry.StopAsync();
}
