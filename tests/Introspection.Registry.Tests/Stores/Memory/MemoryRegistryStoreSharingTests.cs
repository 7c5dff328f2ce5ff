using Introspection.Registry.Stores;
using Introspection.Registry.Stores.Memory;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Introspection.Registry.Tests.Stores.Memory;

/// <summary>
/// What the memory store shares between instances (revision strings, label sets) and that it lets go of
/// them with the last instance: the per-instance memory budget depends on the first, the absence of a
/// leak under churn on the second.
/// </summary>
public sealed class MemoryRegistryStoreSharingTests
{
    private const string Ns = "default";
    private static readonly TimeSpan s_ttl = TimeSpan.FromSeconds(30);
    private readonly MemoryRegistryStore _store = new(Options.Create(new RegistryOptions()), new FakeTimeProvider());

    [Fact]
    public async Task RegisterAsync_SameRevisionAndLabels_InstancesShareOneOfEach()
    {
        // Distinct string objects with equal content, as two requests parsed off the wire would be.
        await RegisterAsync("i1", new string('a', 64), new Dictionary<string, string> { ["zone"] = "z1", ["env"] = "prod" });
        await RegisterAsync("i2", new string('a', 64), new Dictionary<string, string> { ["env"] = "prod", ["zone"] = "z1" });

        var instances = (await _store.ListInstancesAsync(Ns, "app", CancellationToken.None)).Instances;

        Assert.Equal(2, instances.Count);
        Assert.Same(instances[0].Revision, instances[1].Revision);
        Assert.Same(instances[0].Labels, instances[1].Labels);
        Assert.Equal(1, _store.SharedRevisionCount);
        Assert.Equal(1, _store.SharedLabelSetCount);
    }

    [Fact]
    public async Task RegisterAsync_Labels_ReadBackInOrdinalKeyOrder()
    {
        await RegisterAsync("i1", "r1", new Dictionary<string, string> { ["zone"] = "z1", ["Env"] = "prod", ["app.kubernetes.io/name"] = "greeter" });

        var labels = Assert.Single((await _store.ListInstancesAsync(Ns, "app", CancellationToken.None)).Instances).Labels;

        Assert.Equal(["Env", "app.kubernetes.io/name", "zone"], labels.Keys);
        Assert.Equal("z1", labels["zone"]);
        Assert.False(labels.ContainsKey("ZONE"));
        Assert.Throws<KeyNotFoundException>(() => labels["missing"]);
    }

    [Fact]
    public async Task Churn_UpdatesReplacementsAndRemovals_ReleaseWhatNoInstanceHolds()
    {
        await RegisterAsync("i1", "build-1", new Dictionary<string, string> { ["change"] = "0" });
        await RegisterAsync("i2", "build-1", new Dictionary<string, string> { ["change"] = "0" });
        for (var k = 1; k <= 5; k++)
        {
            await _store.UpdateInstanceAsync(Ns, "app", "i1", $"build-{k + 1}", new Dictionary<string, string> { ["change"] = $"{k}" }, CancellationToken.None);
        }

        Assert.Equal(2, _store.SharedRevisionCount); // build-1 (i2) and build-6 (i1)
        Assert.Equal(2, _store.SharedLabelSetCount);

        await RegisterAsync("i2", "build-6", new Dictionary<string, string> { ["change"] = "5" }); // replaces i2
        Assert.Equal(1, _store.SharedRevisionCount);
        Assert.Equal(1, _store.SharedLabelSetCount);

        await _store.DeregisterAsync(Ns, "app", "i1", CancellationToken.None);
        await _store.DeregisterAsync(Ns, "app", "i2", CancellationToken.None);
        Assert.Equal(0, _store.SharedRevisionCount);
        Assert.Equal(0, _store.SharedLabelSetCount);
    }

    [Fact]
    public async Task RegisterAsync_NonCanonicalHost_ReadsBackAsRegistered()
    {
        await RegisterAsync("i1", "r1", new Dictionary<string, string>(), host: "010.0.0.1");
        await RegisterAsync("i2", "r1", new Dictionary<string, string>(), host: "10.0.0.1");

        var instances = (await _store.ListInstancesAsync(Ns, "app", CancellationToken.None)).Instances;

        Assert.Equal(["010.0.0.1", "10.0.0.1"], instances.Select(i => i.Host));
    }

    private async Task RegisterAsync(string instanceId, string revision, Dictionary<string, string> labels, string host = "10.0.0.1") =>
        await _store.RegisterAsync(Ns, new InstanceRecord("app", instanceId, host, 8080, revision, labels), s_ttl, CancellationToken.None);
}
