using System.Diagnostics;
using System.Globalization;
using Greeter.Contracts;
using Grpc.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// A Greeter consumer: resolves greet.Greeter through the registry (introspect:///greet.Greeter) and
// calls it in a loop, printing which instance answered. Stops after --count calls or --duration.
//   dotnet run --project samples/Greeter.Consumer -- --count 100 --interval 00:00:00.200
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Services.AddIntrospectionClient();
builder.Services.AddGrpcClient<Greeter.Contracts.Greeter.GreeterClient>(o => o.Address = new Uri("introspect:///greet.Greeter"));

using var host = builder.Build();
var count = builder.Configuration.GetValue("count", 0);
var duration = builder.Configuration.GetValue("duration", TimeSpan.Zero);
var interval = builder.Configuration.GetValue("interval", TimeSpan.FromMilliseconds(500));
if (count <= 0 && duration <= TimeSpan.Zero)
{
    count = 20;
}

await host.StartAsync().ConfigureAwait(false);
var greeter = host.Services.GetRequiredService<Greeter.Contracts.Greeter.GreeterClient>();
var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
var perInstance = new SortedDictionary<string, int>(StringComparer.Ordinal);
var failures = 0;
var clock = Stopwatch.StartNew();
for (var call = 1; (count <= 0 || call <= count) && (duration <= TimeSpan.Zero || clock.Elapsed < duration) && !lifetime.ApplicationStopping.IsCancellationRequested; call++)
{
    try
    {
        var reply = await greeter.SayHelloAsync(new HelloRequest { Name = "consumer" }, deadline: DateTime.UtcNow.AddSeconds(5));
        perInstance[reply.Instance] = perInstance.GetValueOrDefault(reply.Instance) + 1;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"#{call,-5} {reply.Instance,-30} {reply.Message}"));
    }
    catch (RpcException ex)
    {
        failures++;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"#{call,-5} FAILED {ex.StatusCode}: {ex.Status.Detail}"));
    }

    try
    {
        await Task.Delay(interval, lifetime.ApplicationStopping);
    }
    catch (OperationCanceledException)
    {
        break;
    }
}

Console.WriteLine();
Console.WriteLine("calls per instance:");
foreach (var (instance, calls) in perInstance)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {instance,-30} {calls}"));
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"failed calls: {failures}"));
await host.StopAsync().ConfigureAwait(false);
return failures == 0 ? 0 : 1;
