using Grpc.Core;
using Introspection.Protocol.Registry.V1;
using Introspection.Registry.Tests.Infrastructure;

namespace Introspection.Registry.Tests.Functional;

/// <summary>Under concurrent writes, snapshot + deltas always rebuild exactly the registry's state.</summary>
public sealed class WatchConsistencyTests
{
    [Fact]
    public async Task Watch_ConcurrentWriters_SnapshotPlusDeltasEqualsFinalState()
    {
        await using var server = await RegistryHost.StartAsync();
        using var cts = new CancellationTokenSource(TestTimeouts.Long);
        var early = StartWatcher(server, cts.Token);

        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            for (var i = 0; i < 60; i++)
            {
                var id = $"w{w}-{random.Next(10)}";
                if (random.Next(3) == 0)
                {
                    try
                    {
                        await server.Client.DeregisterAsync(new DeregisterRequest { App = "orders", InstanceId = id }, deadline: DateTime.UtcNow.Add(TestTimeouts.Long));
                    }
                    catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
                    {
                    }
                }
                else
                {
                    var request = Instances.Register(id: id);
                    request.Instance.Port = 1000 + i;
                    await server.Client.RegisterAsync(request, deadline: DateTime.UtcNow.Add(TestTimeouts.Long));
                }
            }
        })).ToList();

        // A watcher that joins in the middle of the writes must converge too.
        await Task.Delay(50, cts.Token);
        var late = StartWatcher(server, cts.Token);
        await Task.WhenAll(writers).WaitAsync(TestTimeouts.Long);

        var final = await server.Client.ListInstancesAsync(new ListInstancesRequest { App = "orders" }, deadline: DateTime.UtcNow.Add(TestTimeouts.Long));
        var expected = final.Instances.ToDictionary(i => i.InstanceId, i => (i.Port, i.ModRevision));
        foreach (var watcher in new[] { early, late })
        {
            await Poll.UntilAsync(() => watcher.Revision >= final.Revision, because: "the watcher caught up");
            Assert.Null(watcher.Error);
            Assert.Equal(expected.OrderBy(p => p.Key), watcher.View.OrderBy(p => p.Key));
        }

        await cts.CancelAsync();
    }

    private static ViewBuilder StartWatcher(RegistryHost server, CancellationToken cancellationToken)
    {
        var view = new ViewBuilder();
        _ = Task.Run(async () =>
        {
            try
            {
                using var call = server.Client.Watch(new WatchRequest { Apps = { "orders" } }, cancellationToken: cancellationToken);
                while (await call.ResponseStream.MoveNext(cancellationToken))
                {
                    view.Apply(call.ResponseStream.Current);
                }
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled)
            {
            }
            catch (OperationCanceledException)
            {
            }
        }, cancellationToken);
        return view;
    }

    private sealed class ViewBuilder
    {
        private readonly Lock _lock = new();
        private readonly Dictionary<string, (int Port, long ModRevision)> _view = [];
        private long _revision;

        public string? Error { get; private set; }

        public long Revision
        {
            get
            {
                lock (_lock)
                {
                    return _revision;
                }
            }
        }

        public Dictionary<string, (int Port, long ModRevision)> View
        {
            get
            {
                lock (_lock)
                {
                    return new Dictionary<string, (int Port, long ModRevision)>(_view);
                }
            }
        }

        public void Apply(WatchResponse response)
        {
            lock (_lock)
            {
                if (response.Kind == WatchResponseKind.Snapshot)
                {
                    _view.Clear();
                    foreach (var instance in response.Instances)
                    {
                        _view[instance.InstanceId] = (instance.Port, instance.ModRevision);
                    }
                }
                else
                {
                    foreach (var change in response.Events)
                    {
                        if (change.Revision <= _revision)
                        {
                            Error ??= $"event {change.Revision} not after {_revision}";
                        }

                        _revision = change.Revision;
                        if (change.Type == WatchEventType.Put)
                        {
                            _view[change.Instance.InstanceId] = (change.Instance.Port, change.Instance.ModRevision);
                        }
                        else
                        {
                            _view.Remove(change.Instance.InstanceId);
                        }
                    }
                }

                if (response.Revision < _revision)
                {
                    Error ??= $"message revision {response.Revision} behind {_revision}";
                }

                _revision = response.Revision;
            }
        }
    }
}
