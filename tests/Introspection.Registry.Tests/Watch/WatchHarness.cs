using Introspection.Protocol.Registry.V1;
using Introspection.Registry.Stores;
using Introspection.Registry.Stores.Memory;
using Introspection.Registry.Tests.Infrastructure;
using Introspection.Registry.Watch;
using Microsoft.Extensions.Logging.Abstractions;

namespace Introspection.Registry.Tests.Watch;

/// <summary>A memory store, a running <see cref="WatchHub"/> and watch sessions writing to recorders.</summary>
internal sealed class WatchHarness : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _sessions = [];

    public WatchHarness(Action<RegistryOptions>? configure = null)
    {
        var options = TestServices.Options(configure);
        Store = new MemoryRegistryStore(options, Time);
        Hub = new WatchHub(Store, options, Time, NullLogger<WatchHub>.Instance);
        Session = new WatchSession(Store, Hub, TestServices.Metrics(), options, Time, NullLogger<WatchSession>.Instance);
    }

    public CountingTimeProvider Time { get; } = new();

    public MemoryRegistryStore Store { get; }

    public WatchHub Hub { get; }

    public WatchSession Session { get; }

    public async Task StartAsync() => await Hub.StartAsync(CancellationToken.None).WaitAsync(TestTimeouts.Long);

    public RecordingStreamWriter<WatchResponse> Watch(IReadOnlySet<string>? apps = null, long since = 0, bool mappings = false, RecordingStreamWriter<WatchResponse>? writer = null)
    {
        writer ??= new RecordingStreamWriter<WatchResponse>();
        _sessions.Add(Session.RunAsync(new WatchFilter("default", apps, mappings), since, writer, _stop.Token));
        return writer;
    }

    public Task<RegisterResult> RegisterAsync(string app, string id) =>
        Store.RegisterAsync("default", new InstanceRecord(app, id, "10.0.0.1", 5000, "0", new Dictionary<string, string>()), TimeSpan.FromSeconds(30), CancellationToken.None).AsTask();

    public static Task WaitForMessagesAsync(RecordingStreamWriter<WatchResponse> writer, int count) =>
        Poll.UntilAsync(() => writer.Messages.Count >= count, because: $"{count} watch messages");

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_sessions).WaitAsync(TestTimeouts.Long);
        await Hub.StopAsync(CancellationToken.None).WaitAsync(TestTimeouts.Long);
        Hub.Dispose();
        _stop.Dispose();
    }
}
