using Greeter.Contracts;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Introspection.Client.Tests.Infrastructure;

/// <summary>
/// A consumer host as an app would write it: AddIntrospectionClient + AddGrpcClient with an introspect:/// address.
/// </summary>
public sealed class TestConsumer : IAsyncDisposable
{
    private readonly IHost _host;

    private TestConsumer(IHost host)
    {
        _host = host;
        Greeter = host.Services.GetRequiredService<Greeter.Contracts.Greeter.GreeterClient>();
        Client = host.Services.GetRequiredService<IntrospectionClient>();
    }

    public Greeter.Contracts.Greeter.GreeterClient Greeter { get; }

    public IntrospectionClient Client { get; }

    public static async Task<TestConsumer> StartAsync(string? registry, string target = "introspect:///greet.Greeter", Action<IntrospectionClientOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.ClearProviders();
        services?.Invoke(builder.Services);
        builder.Services.AddIntrospectionClient(o =>
        {
            if (registry is not null)
            {
                o.Registries.Add(registry);
            }

            o.SnapshotPath = TestClients.NewSnapshotPath();
            o.SnapshotDebounce = TimeSpan.FromMilliseconds(50);
            o.ResolveTimeout = TimeSpan.FromSeconds(5);
            o.StartupTimeout = TimeSpan.FromSeconds(5);
            o.RegistryCallTimeout = TimeSpan.FromSeconds(2);
            o.RegistryRetryInitialBackoff = TimeSpan.FromMilliseconds(50);
            o.RegistryRetryMaxBackoff = TimeSpan.FromMilliseconds(500);
            configure?.Invoke(o);
        });
        builder.Services.AddGrpcClient<Greeter.Contracts.Greeter.GreeterClient>(o => o.Address = new Uri(target));
        var host = builder.Build();
        try
        {
            await host.StartAsync().WaitAsync(TestTimeouts.Start);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new TestConsumer(host);
    }

    public async Task<string> CallAsync()
    {
        var reply = await Greeter.SayHelloAsync(new HelloRequest { Name = "test" }, deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync.WaitAsync(TestTimeouts.Call);
        return reply.Instance;
    }

    /// <summary>Calls in a loop until stopped; records who answered and every failure.</summary>
    public CallLoop StartLoop(TimeSpan interval) => new(this, interval);

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync().WaitAsync(TestTimeouts.Stop);
        _host.Dispose();
    }

    public sealed class CallLoop : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _task;
        private readonly List<(DateTime At, string Instance)> _answers = [];
        private readonly List<RpcException> _failures = [];

        public CallLoop(TestConsumer consumer, TimeSpan interval)
        {
            _task = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    try
                    {
                        var instance = await consumer.CallAsync();
                        lock (_answers)
                        {
                            _answers.Add((DateTime.UtcNow, instance));
                        }
                    }
                    catch (RpcException ex)
                    {
                        lock (_answers)
                        {
                            _failures.Add(ex);
                        }
                    }

                    await Task.Delay(interval);
                }
            });
        }

        public int Count
        {
            get
            {
                lock (_answers)
                {
                    return _answers.Count;
                }
            }
        }

        public IReadOnlyList<RpcException> Failures
        {
            get
            {
                lock (_answers)
                {
                    return _failures.ToArray();
                }
            }
        }

        public IReadOnlyList<(DateTime At, string Instance)> Answers
        {
            get
            {
                lock (_answers)
                {
                    return _answers.ToArray();
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            await _task.WaitAsync(TestTimeouts.Call);
        }
    }
}
