using System.Collections.Concurrent;
using Grpc.Core;
using Introspection.Client.Internal;
using Introspection.Protocol.Metadata.V1;
using Introspection.Protocol.Registry.V1;

namespace Introspection.Client.Tests.Infrastructure;

/// <summary>
/// The in-process seam behind the metadata cache: answers from a table, counts calls, and can be held
/// (every call waits for <see cref="Release"/>) or made to answer per instance.
/// </summary>
internal sealed class FakeMetadataFetcher : IMetadataFetcher
{
    private readonly ConcurrentDictionary<(string App, string Revision), MetadataInfo> _table = new();
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _calls;

    public FakeMetadataFetcher(bool held = false)
    {
        if (!held)
        {
            _gate.SetResult();
        }
    }

    public int Calls => Volatile.Read(ref _calls);

    public ConcurrentQueue<string> CalledInstances { get; } = new();

    /// <summary>Overrides the answer of one instance: return null to use the table, throw to fail.</summary>
    public Func<Instance, string, MetadataInfo?>? PerInstance { get; set; }

    public void Add(MetadataInfo info) => _table[(info.App, info.Revision)] = info;

    public void Release() => _gate.TrySetResult();

    public async Task<MetadataInfo> FetchAsync(Instance instance, string revision, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        CalledInstances.Enqueue(instance.InstanceId);
        await _gate.Task.WaitAsync(cancellationToken);
        if (PerInstance?.Invoke(instance, revision) is { } custom)
        {
            return custom;
        }

        return _table.TryGetValue((instance.App, revision), out var info)
            ? info
            : throw new RpcException(new Status(StatusCode.NotFound, $"no revision {revision}"));
    }
}
