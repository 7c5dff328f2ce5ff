using Introspection.Provider.Internal;
using Introspection.Protocol;
using Introspection.Protocol.Metadata.V1;
using Microsoft.Extensions.Time.Testing;

namespace Introspection.Provider.Tests.Metadata;

public sealed class RevisionHistoryTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Find_CurrentRevision_ReturnsIt()
    {
        var history = NewHistory(capacity: 2, TimeSpan.FromMinutes(10));
        var info = Info("a");
        history.SetCurrent(info);

        Assert.Same(info, history.Find(info.Revision));
    }

    [Fact]
    public void Find_PreviousWithinCapacityAndRetention_ReturnsIt()
    {
        var history = NewHistory(capacity: 2, TimeSpan.FromMinutes(10));
        var old = Info("a");
        history.SetCurrent(old);
        history.SetCurrent(Info("b"));

        _time.Advance(TimeSpan.FromMinutes(9));

        Assert.Same(old, history.Find(old.Revision));
    }

    [Fact]
    public void Find_PreviousOlderThanRetention_ReturnsNull()
    {
        var history = NewHistory(capacity: 2, TimeSpan.FromMinutes(10));
        var old = Info("a");
        history.SetCurrent(old);
        _time.Advance(TimeSpan.FromHours(1));
        history.SetCurrent(Info("b"));

        // Retention counts from when a revision was replaced, not from when it was built.
        _time.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));

        Assert.Null(history.Find(old.Revision));
    }

    [Fact]
    public void Find_PreviousBeyondCapacity_ReturnsNull()
    {
        var history = NewHistory(capacity: 2, TimeSpan.FromMinutes(10));
        var infos = Enumerable.Range(0, 4).Select(i => Info("s" + i)).ToList();
        foreach (var info in infos)
        {
            history.SetCurrent(info);
        }

        Assert.Null(history.Find(infos[0].Revision));
        Assert.Same(infos[1], history.Find(infos[1].Revision));
        Assert.Same(infos[2], history.Find(infos[2].Revision));
        Assert.Equal([infos[2].Revision, infos[1].Revision], history.PreviousRevisions());
    }

    [Fact]
    public void SetCurrent_SameRevision_ReturnsFalseAndKeepsHistory()
    {
        var history = NewHistory(capacity: 2, TimeSpan.FromMinutes(10));
        history.SetCurrent(Info("a"));

        Assert.False(history.SetCurrent(Info("a")));
        Assert.Empty(history.PreviousRevisions());
    }

    [Fact]
    public void SetCurrent_RevisionComesBack_IsCurrentNotDuplicated()
    {
        var history = NewHistory(capacity: 4, TimeSpan.FromMinutes(10));
        var a = Info("a");
        var b = Info("b");
        history.SetCurrent(a);
        history.SetCurrent(b);
        history.SetCurrent(Info("a"));

        Assert.Equal([b.Revision], history.PreviousRevisions());
    }

    [Fact]
    public void Find_UnknownRevision_ReturnsNull()
    {
        var history = NewHistory(capacity: 2, TimeSpan.FromMinutes(10));
        history.SetCurrent(Info("a"));

        Assert.Null(history.Find(new string('a', MetadataRevision.HexLength)));
    }

    private RevisionHistory NewHistory(int capacity, TimeSpan retention) => new(_time, () => (capacity, retention));

    internal static MetadataInfo Info(string service)
    {
        var info = new MetadataInfo { App = "app" };
        var serviceInfo = new ServiceInfo { Name = "pkg." + service, Protocol = "grpc" };
        serviceInfo.Methods.Add("Call");
        info.Services.Add(serviceInfo);
        info.Revision = MetadataRevision.Compute(info);
        return info;
    }
}
