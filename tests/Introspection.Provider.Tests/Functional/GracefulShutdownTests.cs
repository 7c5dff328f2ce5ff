using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Greeter.Contracts;
using Introspection.Provider.Tests.Infrastructure;
using Microsoft.Extensions.Hosting;

namespace Introspection.Provider.Tests.Functional;

public sealed class GracefulShutdownTests
{
    [Fact]
    public async Task Stop_UnderSteadyLoad_CallsStartedBeforeDeregistrationCompleteAndInstanceLeavesRegistryFirst()
    {
        await using var registry = await RegistryHost.StartAsync();
        await using var provider = await ProviderServer.StartAsync(registry.Address, o => o.PropagationDelay = TimeSpan.FromMilliseconds(500));
        await Poll.UntilAsync(async () => (await registry.InstancesAsync(ProviderServer.App)).Count == 1, TestTimeouts.Short, "the provider is registered");
        var clock = Stopwatch.StartNew();
        var calls = new ConcurrentQueue<(TimeSpan Started, StatusCode Status)>();
        using var stopLoad = new CancellationTokenSource(TestTimeouts.Long);
        var load = Task.Run(async () =>
        {
            // Bounded: stops when told, after 30 s, or after 20 000 calls.
            for (var i = 0; i < 20_000 && !stopLoad.IsCancellationRequested; i++)
            {
                var started = clock.Elapsed;
                StatusCode status;
                try
                {
                    await provider.Greeter.SayHelloAsync(new HelloRequest { Name = "slow:20" }, deadline: DateTime.UtcNow.AddSeconds(10));
                    status = StatusCode.OK;
                }
                catch (RpcException ex)
                {
                    status = ex.StatusCode;
                }

                calls.Enqueue((started, status));
            }
        });
        await Poll.UntilAsync(() => calls.Count >= 5, TestTimeouts.Short, "the load is flowing");

        // The host raises ApplicationStopping after the provider's StoppingAsync returned and
        // before it stops Kestrel: the moment the drain lets the server go.
        var serverReleasedAt = TimeSpan.MaxValue;
        using var released = provider.Get<IHostApplicationLifetime>().ApplicationStopping.Register(() => serverReleasedAt = clock.Elapsed);
        var stop = provider.StopAsync();
        await Poll.UntilAsync(async () => (await registry.InstancesAsync(ProviderServer.App)).Count == 0, TestTimeouts.Short, "the instance leaves the registry", TimeSpan.FromMilliseconds(5));
        var deregisteredAt = clock.Elapsed;

        // The listener is still open once the registry no longer lists the instance.
        using (var probe = new TcpClient())
        {
            await probe.ConnectAsync(IPAddress.Loopback, provider.Port).WaitAsync(TestTimeouts.Short);
        }

        // A long call that starts now, inside the propagation delay, must still complete.
        var slow = provider.Greeter.SayHelloAsync(new HelloRequest { Name = "slow:1500" }, deadline: DateTime.UtcNow.AddSeconds(20)).ResponseAsync;
        var drain = provider.Get<IProviderDrain>();
        await Poll.UntilAsync(() => drain.IsDraining, TestTimeouts.Short, "the instance refuses new calls");
        var late = await Assert.ThrowsAsync<RpcException>(() => provider.Greeter.SayHelloAsync(new HelloRequest { Name = "late" }).ResponseAsync).WaitAsync(TestTimeouts.Short);
        Assert.Equal(StatusCode.Unavailable, late.StatusCode);
        Assert.False(stop.IsCompleted, "the host waits for the call in flight");

        Assert.Equal("Hello slow:1500", (await slow.WaitAsync(TestTimeouts.Short)).Message);
        var slowCompletedAt = clock.Elapsed;
        await stop.WaitAsync(TestTimeouts.Long);
        await stopLoad.CancelAsync();
        await load.WaitAsync(TestTimeouts.Long);

        Assert.True(serverReleasedAt >= slowCompletedAt - TimeSpan.FromMilliseconds(300), $"server released at {serverReleasedAt.TotalMilliseconds:0} ms, slow call done at {slowCompletedAt.TotalMilliseconds:0} ms");
        var before = calls.Where(c => c.Started < deregisteredAt).ToList();
        Assert.True(before.Count >= 5);
        Assert.All(before, c => Assert.Equal(StatusCode.OK, c.Status));
        var steps = provider.Logs.Select(e => e.Id.Id).Where(id => id is >= 30 and <= 35).ToList();
        Assert.Equal([30, 31, 32, 33, 34], steps);
    }
}
