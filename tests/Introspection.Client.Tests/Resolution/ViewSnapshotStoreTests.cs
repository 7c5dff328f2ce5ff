using Introspection.Client.Internal;
using Microsoft.Extensions.Logging.Abstractions;

namespace Introspection.Client.Tests.Resolution;

public sealed class ViewSnapshotStoreTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "introspection-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public void Save_ThenLoad_RoundTripsEverything()
    {
        var store = new ViewSnapshotStore(Path.Combine(_directory, "view.json"), NullLogger.Instance);
        var snapshot = new ViewSnapshot
        {
            Namespace = "prod",
            SavedAt = DateTimeOffset.UnixEpoch,
            Apps =
            [
                new ViewSnapshotApp
                {
                    App = "orders",
                    Instances = [new ViewSnapshotInstance { InstanceId = "i1", Host = "10.0.0.1", Port = 5001, Revision = "0", Labels = { ["zone"] = "a" } }],
                },
            ],
            Mappings = [new ViewSnapshotMapping { Service = "shop.Orders", App = "orders" }],
            Metadata = ["CgZvcmRlcnMSATA="],
        };

        store.Save(snapshot);
        var loaded = store.TryLoad();

        Assert.NotNull(loaded);
        Assert.Equal("prod", loaded.Namespace);
        var instance = Assert.Single(Assert.Single(loaded.Apps).Instances);
        Assert.Equal(("i1", "10.0.0.1", 5001, "0", "a"), (instance.InstanceId, instance.Host, instance.Port, instance.Revision, instance.Labels["zone"]));
        Assert.Equal("shop.Orders", Assert.Single(loaded.Mappings).Service);
        Assert.Equal("CgZvcmRlcnMSATA=", Assert.Single(loaded.Metadata));
        Assert.Equal(["view.json"], Directory.GetFiles(_directory).Select(Path.GetFileName));
    }

    [Fact]
    public void Save_Twice_ReplacesAtomicallyLeavingNoTemporaryFile()
    {
        var store = new ViewSnapshotStore(Path.Combine(_directory, "view.json"), NullLogger.Instance);

        store.Save(new ViewSnapshot { Namespace = "one" });
        store.Save(new ViewSnapshot { Namespace = "two" });

        Assert.Equal("two", store.TryLoad()!.Namespace);
        Assert.Single(Directory.GetFiles(_directory));
    }

    [Fact]
    public void TryLoad_CorruptFile_ReturnsNull()
    {
        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, "view.json");
        File.WriteAllText(path, "{ not json");

        Assert.Null(new ViewSnapshotStore(path, NullLogger.Instance).TryLoad());
    }

    [Fact]
    public void TryLoad_MissingFile_ReturnsNull()
    {
        Assert.Null(new ViewSnapshotStore(Path.Combine(_directory, "absent.json"), NullLogger.Instance).TryLoad());
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
