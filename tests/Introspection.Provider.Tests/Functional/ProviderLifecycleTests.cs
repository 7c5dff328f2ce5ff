using System.Diagnostics;
using Greeter.Contracts;
using Introspection.Provider.Tests.Infrastructure;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Introspection.Provider.Tests.Functional;

public sealed class ProviderLifecycleTests
{
    /// <summary>The provider asks for a 3 s lease, so it renews every second.</summary>
    private static readonly TimeSpan s_keepAliveInterval = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task RegistryRestart_SamePort_ProviderBackWithinOneKeepAliveIntervalAndServesMeanwhile()
    {
        var registry = await RegistryHost.StartAsync();
        var port = registry.Port;
        await using var provider = await ProviderServer.StartAsync(registry.Address, o =>
        {
            o.LeaseTtl = TimeSpan.FromSeconds(3);
            o.UnhealthyAfterFailures = 2;
        });
        await Poll.UntilAsync(async () => (await registry.InstancesAsync(ProviderServer.App)).Count == 1, TestTimeouts.Short, "the provider is registered");
        var health = provider.Get<HealthCheckService>();

        await registry.DisposeAsync();

        // An old node keeps serving the consumers that cached it, and says it is unhealthy.
        await Poll.UntilAsync(async () => (await health.CheckHealthAsync()).Status == HealthStatus.Unhealthy, TestTimeouts.Short, "the health check reports the failing renewals");
        var reply = await provider.Greeter.SayHelloAsync(new HelloRequest { Name = "still" }).ResponseAsync.WaitAsync(TestTimeouts.Short);
        Assert.Equal("Hello still", reply.Message);

        await using var restarted = await RegistryHost.StartAsync(port);
        var answering = Stopwatch.StartNew();
        Assert.Empty(await restarted.InstancesAsync(ProviderServer.App));
        await Poll.UntilAsync(async () => (await restarted.InstancesAsync(ProviderServer.App)).Count == 1, TestTimeouts.Short, "the provider registers again", TimeSpan.FromMilliseconds(10));
        var elapsed = answering.Elapsed;

        // 250 ms of slack for two busy cores; the backoff cap is half the interval.
        Assert.True(elapsed <= s_keepAliveInterval + TimeSpan.FromMilliseconds(250), $"back after {elapsed.TotalMilliseconds:0} ms");
        await Poll.UntilAsync(async () => (await health.CheckHealthAsync()).Status == HealthStatus.Healthy, TestTimeouts.Short, "the health check recovers");
    }
}

[Collection(ExitCodeCollection.Name)]
public sealed class ProviderStartupFailureTests
{
    [Fact]
    public async Task Start_RegistryUnreachable_StopsHostWithExitCode1()
    {
        var deadPort = FreePort.Get();
        Environment.ExitCode = 0;
        try
        {
            await using var provider = await ProviderServer.StartAsync(new Uri($"http://127.0.0.1:{deadPort}"), o => o.StartupTimeout = TimeSpan.FromSeconds(1));
            var lifetime = provider.Get<IHostApplicationLifetime>();
            var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var registration = lifetime.ApplicationStopping.Register(stopping.SetResult);

            await stopping.Task.WaitAsync(TestTimeouts.Short);
            // What app.Run() does once ApplicationStopping fires.
            await provider.StopAsync();

            Assert.Equal(1, Environment.ExitCode);
            Assert.Contains(provider.Logs, e => e.Id.Id == 23 && e.Message.Contains($"127.0.0.1:{deadPort}", StringComparison.Ordinal));
        }
        finally
        {
            Environment.ExitCode = 0;
        }
    }

    [Fact]
    public async Task Start_RegistryUnreachableAndStopOnStartupFailureOff_KeepsServingAndRegistersWhenRegistryAppears()
    {
        var port = FreePort.Get();
        Environment.ExitCode = 0;
        await using var provider = await ProviderServer.StartAsync(new Uri($"http://127.0.0.1:{port}"), o =>
        {
            o.StartupTimeout = TimeSpan.FromMilliseconds(500);
            o.StopOnStartupFailure = false;
        });

        await Poll.UntilAsync(() => provider.Logs.Any(e => e.Id.Id == 24), TestTimeouts.Short, "the startup failure is logged");

        Assert.False(provider.Get<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);
        Assert.Equal(0, Environment.ExitCode);
        var reply = await provider.Greeter.SayHelloAsync(new HelloRequest { Name = "anyway" }).ResponseAsync.WaitAsync(TestTimeouts.Short);
        Assert.Equal("Hello anyway", reply.Message);
        await using var registry = await RegistryHost.StartAsync(port);
        await Poll.UntilAsync(async () => (await registry.InstancesAsync(ProviderServer.App)).Count == 1, TestTimeouts.Short, "the provider registers once the registry appears");
    }

    [Fact]
    public async Task ExitAfterRegistryLoss_RegistryGoneLongerThanLimit_StopsHostWithExitCode1()
    {
        Environment.ExitCode = 0;
        try
        {
            var registry = await RegistryHost.StartAsync();
            await using var provider = await ProviderServer.StartAsync(registry.Address, o =>
            {
                o.LeaseTtl = TimeSpan.FromSeconds(1);
                o.ExitAfterRegistryLoss = TimeSpan.FromSeconds(1.5);
            });
            await Poll.UntilAsync(async () => (await registry.InstancesAsync(ProviderServer.App)).Count == 1, TestTimeouts.Short, "the provider is registered");
            var lifetime = provider.Get<IHostApplicationLifetime>();
            var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var registration = lifetime.ApplicationStopping.Register(stopping.SetResult);
            Assert.False(lifetime.ApplicationStopping.IsCancellationRequested);

            await registry.DisposeAsync();
            var lost = Stopwatch.StartNew();
            await stopping.Task.WaitAsync(TestTimeouts.Short);
            lost.Stop();
            await provider.StopAsync();

            Assert.Equal(1, Environment.ExitCode);
            // Not before the limit (the last renewal may be up to one renewal interval old).
            Assert.True(lost.Elapsed >= TimeSpan.FromSeconds(1.5) - TimeSpan.FromMilliseconds(400), $"stopped after {lost.Elapsed.TotalMilliseconds:0} ms");
            Assert.Contains(provider.Logs, e => e.Id.Id == 27 && e.Level == Microsoft.Extensions.Logging.LogLevel.Critical);
        }
        finally
        {
            Environment.ExitCode = 0;
        }
    }
}
