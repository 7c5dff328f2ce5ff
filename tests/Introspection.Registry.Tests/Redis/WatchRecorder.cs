using Grpc.Core;
using Introspection.Protocol.Registry.V1;
using Introspection.Registry.Tests.Infrastructure;

namespace Introspection.Registry.Tests.Redis;

/// <summary>
/// A watcher as a client would run it: reads one node's Watch stream, remembers the last revision,
/// and when the stream breaks resumes on another node with <c>since_revision</c>. Records every message.
/// </summary>
internal sealed class WatchRecorder : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly List<WatchResponse> _messages = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<RegistryHost> _nextServer;
    private readonly Task _run;
    private long _revision;

    public WatchRecorder(Func<RegistryHost> nextServer)
    {
        _nextServer = nextServer;
        _run = Task.Run(RunAsync);
    }

    public int Connections { get; private set; }

    public long Revision => Interlocked.Read(ref _revision);

    public IReadOnlyList<WatchResponse> Messages
    {
        get
        {
            lock (_lock)
            {
                return [.. _messages];
            }
        }
    }

    public IReadOnlyList<WatchEvent> Events => [.. Messages.SelectMany(m => m.Events)];

    /// <summary>The watcher's view: the last snapshot with every later delta applied.</summary>
    public IReadOnlyDictionary<string, Instance> View()
    {
        var view = new Dictionary<string, Instance>(StringComparer.Ordinal);
        foreach (var message in Messages)
        {
            if (message.Kind == WatchResponseKind.Snapshot)
            {
                view.Clear();
                foreach (var instance in message.Instances)
                {
                    view[instance.InstanceId] = instance;
                }
            }

            foreach (var change in message.Events)
            {
                if (change.Type == WatchEventType.Put)
                {
                    view[change.Instance.InstanceId] = change.Instance;
                }
                else if (change.Type == WatchEventType.Delete)
                {
                    view.Remove(change.Instance.InstanceId);
                }
            }
        }

        return view;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run.WaitAsync(TestTimeouts.Long);
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var server = _nextServer();
                Connections++;
                using var call = server.Client.Watch(new WatchRequest { SinceRevision = Revision }, cancellationToken: _stop.Token);
                while (await call.ResponseStream.MoveNext(_stop.Token))
                {
                    var message = call.ResponseStream.Current;
                    lock (_lock)
                    {
                        _messages.Add(message);
                    }

                    Interlocked.Exchange(ref _revision, message.Revision);
                }
            }
            catch (RpcException) when (!_stop.IsCancellationRequested)
            {
                // The node went away or its store is unavailable: resume (possibly elsewhere) shortly.
            }
            catch (Exception ex) when (_stop.IsCancellationRequested && ex is RpcException or OperationCanceledException)
            {
                return;
            }

            try
            {
                await Task.Delay(100, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
