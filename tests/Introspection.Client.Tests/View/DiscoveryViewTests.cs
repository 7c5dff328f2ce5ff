using Grpc.Core;
using Introspection.Client.Internal;
using Introspection.Client.Tests.Infrastructure;
using Introspection.Client.View;
using Introspection.Protocol.Metadata.V1;
using Introspection.Protocol.Registry.V1;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static Introspection.Client.Tests.View.WatchMessages;

namespace Introspection.Client.Tests.View;

/// <summary>
/// The discovery view on its own: Watch messages, lookups and disk data in, resolutions out. No server, no wall
/// clock (a <see cref="FakeTimeProvider"/>), no waiting: each test runs in milliseconds.
/// </summary>
public sealed class DiscoveryViewTests
{
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(5);
    private static readonly HashSet<string> s_orders = new(["orders"], StringComparer.Ordinal);
    private static readonly MetadataInfo s_ordersV1 = TestMetadata.Create("orders", ("shop.Orders", "", "1"));

    private readonly FakeTimeProvider _time = new();
    private readonly FakeMetadataLookup _metadata = new();

    public DiscoveryViewTests() => _metadata.Add(s_ordersV1);

    private DiscoveryView CreateView(bool emptyProtection = true, bool hasRegistry = true, TimeSpan? snapshotGrace = null) =>
        new(_metadata, emptyProtection, hasRegistry, ResolveTimeout, _time, NullLogger.Instance, snapshotGrace);

    private static ViewTarget Track(DiscoveryView view, ServiceTarget target) => view.GetOrAddTarget(target, pinned: null, out _);

    private static string[] Ids(DiscoveryView view, string app) => view.GetInstances(app).Select(i => i.InstanceId).ToArray();

    [Fact]
    public void Apply_Snapshot_ReplacesTheStreamsAppsAndEveryMapping()
    {
        var view = CreateView();
        view.Apply(s_orders, Snapshot(1, [Instance("orders", "o1", s_ordersV1.Revision), Instance("orders", "o2", s_ordersV1.Revision)], ("shop.Orders", "orders"), ("shop.Old", "legacy")));

        view.Apply(s_orders, Snapshot(2, [Instance("orders", "o3", s_ordersV1.Revision)], ("shop.Orders", "orders")));

        Assert.Equal(["o3"], Ids(view, "orders"));
        Assert.Equal(["orders"], view.GetMappedApps("shop.Orders"));
        Assert.Empty(view.GetMappedApps("shop.Old"));
    }

    [Fact]
    public void Apply_DeltaPutAndDelete_ChangeTheInstances()
    {
        var view = CreateView();
        view.Apply(s_orders, Snapshot(1, [Instance("orders", "o1", s_ordersV1.Revision)]));

        view.Apply(s_orders, Delta(2, Put(Instance("orders", "o2", s_ordersV1.Revision)), Put(Instance("orders", "o0", s_ordersV1.Revision))));
        Assert.Equal(["o0", "o1", "o2"], Ids(view, "orders"));

        view.Apply(s_orders, Delta(3, Delete("orders", "o1")));
        Assert.Equal(["o0", "o2"], Ids(view, "orders"));
    }

    [Fact]
    public void Apply_DeltaEmptiesAnApp_EmptyProtectionKeepsTheLastListUntilAnInstanceReturns()
    {
        var view = CreateView(emptyProtection: true);
        view.Apply(s_orders, Snapshot(1, [Instance("orders", "o1", s_ordersV1.Revision), Instance("orders", "o2", s_ordersV1.Revision)]));

        view.Apply(s_orders, Delta(2, Delete("orders", "o1")));
        view.Apply(s_orders, Delta(3, Delete("orders", "o2")));

        Assert.True(view.IsProtected("orders"));
        Assert.Equal(["o2"], Ids(view, "orders"));

        view.Apply(s_orders, Delta(4, Put(Instance("orders", "o3", s_ordersV1.Revision))));

        Assert.False(view.IsProtected("orders"));
        Assert.Equal(["o3"], Ids(view, "orders"));
    }

    [Fact]
    public void Apply_SnapshotEmptiesAnApp_EmptyProtectionEngages()
    {
        var view = CreateView(emptyProtection: true);
        view.Apply(s_orders, Snapshot(1, [Instance("orders", "o1", s_ordersV1.Revision)]));

        view.Apply(s_orders, Snapshot(2, []));

        Assert.True(view.IsProtected("orders"));
        Assert.Equal(["o1"], Ids(view, "orders"));
    }

    [Fact]
    public void Apply_DeltaEmptiesAnApp_WithoutEmptyProtectionTheAppIsEmpty()
    {
        var view = CreateView(emptyProtection: false);
        view.Apply(s_orders, Snapshot(1, [Instance("orders", "o1", s_ordersV1.Revision)]));

        view.Apply(s_orders, Delta(2, Delete("orders", "o1")));

        Assert.False(view.IsProtected("orders"));
        Assert.Empty(view.GetInstances("orders"));
    }

    [Fact]
    public void Apply_MappingPutOfAServiceInUse_AddsTheAppToTheWatchedSet()
    {
        var view = CreateView();
        Track(view, new ServiceTarget("shop.Orders"));
        view.Apply(s_orders, Snapshot(1, [], ("shop.Orders", "orders")));
        var (before, changed) = view.GetWantedApps();
        Assert.Equal(["orders"], before);

        view.Apply(s_orders, Delta(2, MappingPut("shop.Orders", "orders-eu"), MappingPut("shop.Unused", "billing")));

        Assert.True(changed.IsCompleted);
        Assert.Equal(["orders", "orders-eu"], view.GetWantedApps().Apps);
        Assert.Equal(["orders", "orders-eu"], view.GetMappedApps("shop.Orders"));
        Assert.Equal(["billing"], view.GetMappedApps("shop.Unused"));
    }

    [Fact]
    public void Apply_MappingDelete_RemovesTheAppFromTheService()
    {
        var view = CreateView();
        view.Apply(s_orders, Snapshot(1, [], ("shop.Orders", "orders"), ("shop.Orders", "orders-eu")));

        view.Apply(s_orders, Delta(2, MappingDelete("shop.Orders", "orders-eu")));
        Assert.Equal(["orders"], view.GetMappedApps("shop.Orders"));

        view.Apply(s_orders, Delta(3, MappingDelete("shop.Orders", "orders")));
        Assert.Empty(view.GetMappedApps("shop.Orders"));
    }

    [Fact]
    public void Apply_WholeNamespaceWatch_SkipsInstancesOfAppsNotInUse()
    {
        var view = CreateView();
        view.Apply(s_orders, Snapshot(1, [Instance("orders", "o1", s_ordersV1.Revision), Instance("billing", "b1", "x")]));

        view.Apply(s_orders, Delta(2, Put(Instance("billing", "b2", "x")), Put(Instance("orders", "o2", s_ordersV1.Revision))));

        Assert.Empty(view.GetInstances("billing"));
        Assert.Equal(["o1", "o2"], Ids(view, "orders"));
    }

    [Fact]
    public void GetOrAddTarget_ServiceTarget_AsksForOneLookupPerService()
    {
        var view = CreateView();

        view.GetOrAddTarget(new ServiceTarget("shop.Orders"), pinned: null, out var first);
        view.GetOrAddTarget(new ServiceTarget("shop.Orders", version: "1"), pinned: null, out var second);
        view.GetOrAddTarget(new ServiceTarget("shop.Orders", app: "orders"), pinned: null, out var pinnedApp);

        Assert.True(first);
        Assert.False(second);
        Assert.False(pinnedApp);
        Assert.Equal(["orders"], view.GetWantedApps().Apps);
    }

    [Fact]
    public void GetOrAddTarget_WhileAWatchCarriesEveryMapping_NeedsNoLookup()
    {
        var view = CreateView();
        view.Apply(s_orders, Snapshot(1, [], ("shop.Orders", "orders")));

        view.GetOrAddTarget(new ServiceTarget("shop.Orders"), pinned: null, out var lookupNeeded);

        Assert.False(lookupNeeded);
        Assert.Equal(["orders"], view.GetWantedApps().Apps);
    }

    [Fact]
    public void LookupAnswered_AddsTheAppsToTheWatchedSet()
    {
        var view = CreateView();
        Track(view, new ServiceTarget("shop.Orders"));

        view.LookupAnswered("shop.Orders", ["orders", "orders-eu"]);

        Assert.Equal(["orders", "orders-eu"], view.GetWantedApps().Apps);
        Assert.False(view.TryCompleteLookup("shop.Orders"));
    }

    [Fact]
    public void Recompute_CompleteAnswer_PublishesEndpointsFromInstancesAndMetadata()
    {
        var view = CreateView();
        var target = Track(view, new ServiceTarget("shop.Orders"));
        view.LookupAnswered("shop.Orders", ["orders"]);
        Assert.Null(view.Recompute());

        view.Apply(s_orders, Snapshot(1, [Instance("orders", "o1", s_ordersV1.Revision, "10.0.0.1", 5001), Instance("orders", "o2", s_ordersV1.Revision, "10.0.0.2", 5002)], ("shop.Orders", "orders")));

        Assert.Contains(target, view.Recompute()!);
        Assert.Equal(StatusCode.OK, target.Current!.Status.StatusCode);
        Assert.Equal([("10.0.0.1", 5001), ("10.0.0.2", 5002)], target.Current.Endpoints.Select(e => (e.Host, e.Port)));
        Assert.Null(view.Recompute());
    }

    [Fact]
    public void Recompute_MetadataStillFetching_WaitsThenRoutesOnlyToKnownRevisions()
    {
        var view = CreateView();
        var target = Track(view, new ServiceTarget("shop.Orders"));
        view.LookupAnswered("shop.Orders", ["orders"]);
        var v2 = TestMetadata.Create("orders", ("shop.Orders", "", "2"));
        view.Apply(s_orders, Snapshot(1, [Instance("orders", "o1", s_ordersV1.Revision), Instance("orders", "o2", v2.Revision, "10.0.0.2")], ("shop.Orders", "orders")));

        Assert.Null(view.Recompute());

        _metadata.Missing = MetadataFetchState.Failing;
        Assert.NotNull(view.Recompute());
        Assert.Equal(["o1"], target.Current!.Endpoints.Select(e => e.InstanceId));
    }

    [Theory]
    [InlineData(null, null, new[] { "o1", "o2", "o3" })]
    [InlineData(null, "1", new[] { "o1", "o3" })]
    [InlineData("eu", null, new[] { "o3" })]
    [InlineData("eu", "2", new string[0])]
    public void Recompute_GroupAndVersion_FilterTheInstances(string? group, string? version, string[] expected)
    {
        var view = CreateView();
        var v2 = TestMetadata.Create("orders", ("shop.Orders", "", "2"));
        var eu = TestMetadata.Create("orders", ("shop.Orders", "eu", "1"));
        _metadata.Add(v2);
        _metadata.Add(eu);
        var target = Track(view, new ServiceTarget("shop.Orders", group, version));
        view.LookupAnswered("shop.Orders", ["orders"]);
        view.Apply(s_orders, Snapshot(1, [
            Instance("orders", "o1", s_ordersV1.Revision, "10.0.0.1"),
            Instance("orders", "o2", v2.Revision, "10.0.0.2"),
            Instance("orders", "o3", eu.Revision, "10.0.0.3")], ("shop.Orders", "orders")));

        view.Recompute();

        Assert.Equal(expected, target.Current!.Endpoints.Select(e => e.InstanceId));
        if (expected.Length == 0)
        {
            Assert.Equal(IntrospectionErrorKind.ServiceNotDiscovered, target.Current.ErrorKind);
            Assert.Contains("no instance exposes it with the requested group/version", target.Current.Status.Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Recompute_ServicePortInMetadata_OverridesTheInstancePort()
    {
        var view = CreateView();
        var info = new MetadataInfo { App = "orders" };
        info.Services.Add(new ServiceInfo { Name = "shop.Orders", Protocol = "grpc", Port = 7000 });
        info.Revision = Protocol.MetadataRevision.Compute(info);
        _metadata.Add(info);
        var target = Track(view, new ServiceTarget("shop.Orders", app: "orders"));
        view.Apply(s_orders, Snapshot(1, [Instance("orders", "o1", info.Revision, "10.0.0.1", 5000)]));

        view.Recompute();

        Assert.Equal(7000, Assert.Single(target.Current!.Endpoints).Port);
    }

    [Fact]
    public void Recompute_OneAppOfTheServiceNotSyncedYet_WaitsForItUntilTheResolveTimeout()
    {
        var view = CreateView();
        var target = Track(view, new ServiceTarget("shop.Orders"));
        view.LookupAnswered("shop.Orders", ["orders", "orders-eu"]);

        // The stream serves "orders" only (the wider one for "orders-eu" has not delivered yet).
        view.Apply(s_orders, Snapshot(1, [Instance("orders", "o1", s_ordersV1.Revision)], ("shop.Orders", "orders"), ("shop.Orders", "orders-eu")));

        Assert.Null(view.Recompute());

        _time.Advance(ResolveTimeout);

        Assert.NotNull(view.Recompute());
        Assert.Equal(["o1"], target.Current!.Endpoints.Select(e => e.InstanceId));
    }

    [Fact]
    public void Recompute_NothingKnownAtTheResolveTimeout_PublishesServiceNotDiscovered()
    {
        var view = CreateView();
        var target = Track(view, new ServiceTarget("shop.Orders"));
        _time.Advance(ResolveTimeout - TimeSpan.FromMilliseconds(1));
        Assert.Null(view.Recompute());

        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.NotNull(view.Recompute());
        Assert.Equal(IntrospectionErrorKind.ServiceNotDiscovered, target.Current!.ErrorKind);
        Assert.Equal(StatusCode.Unavailable, target.Current.Status.StatusCode);
        Assert.Contains("discovery timed out", target.Current.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Recompute_TimedOutFlagSetByTheTimer_Publishes()
    {
        var view = CreateView();
        var target = Track(view, new ServiceTarget("shop.Orders"));
        Assert.Null(view.Recompute());

        target.TimedOut = true;

        Assert.NotNull(view.Recompute());
    }

    [Fact]
    public void Recompute_LookupFailed_PublishesRegistryUnreachable()
    {
        var view = CreateView();
        var target = Track(view, new ServiceTarget("shop.Orders"));

        view.LookupFailed("shop.Orders", "Unavailable: connection refused");

        Assert.NotNull(view.Recompute());
        Assert.Equal(IntrospectionErrorKind.ServiceNotDiscovered, target.Current!.ErrorKind);
        Assert.Contains("the registry is unreachable (Unavailable: connection refused)", target.Current.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Recompute_NoAppProvidesTheService_PublishesServiceNotDiscovered()
    {
        var view = CreateView();
        var target = Track(view, new ServiceTarget("shop.Missing"));

        view.LookupAnswered("shop.Missing", []);

        Assert.NotNull(view.Recompute());
        Assert.Contains("no app provides it in the registry", target.Current!.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Recompute_AllInstancesGoneAfterEndpointsWereSeen_PublishesNoInstances()
    {
        var view = CreateView(emptyProtection: false);
        var target = Track(view, new ServiceTarget("shop.Orders", app: "orders"));
        view.Apply(s_orders, Snapshot(1, [Instance("orders", "o1", s_ordersV1.Revision)]));
        view.Recompute();

        view.Apply(s_orders, Delta(2, Delete("orders", "o1")));

        Assert.NotNull(view.Recompute());
        Assert.Equal(IntrospectionErrorKind.NoInstances, target.Current!.ErrorKind);
        Assert.Equal(IntrospectionErrorKind.NoInstances, IntrospectionErrors.GetKind(target.Current.Status));
        Assert.Contains("its apps have no registered instances", target.Current.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Recompute_PinnedTarget_PublishesItsEndpointsAtOnce()
    {
        var view = CreateView();
        var target = view.GetOrAddTarget(new ServiceTarget("shop.Orders"), [new InstanceEndpoint("10.9.9.9", 9000, "", "", "")], out var lookupNeeded);

        Assert.NotNull(view.Recompute());
        Assert.False(lookupNeeded);
        Assert.Empty(view.GetWantedApps().Apps);
        Assert.Equal(9000, Assert.Single(target.Current!.Endpoints).Port);
    }

    [Fact]
    public void Recompute_AppFromDiskWhileTheRegistryMayAnswer_WaitsForTheRegistry()
    {
        var view = CreateView();
        view.LoadFromDisk(DiskSnapshot());
        var target = Track(view, new ServiceTarget("shop.Orders"));

        Assert.Null(view.Recompute());

        view.Apply(s_orders, Snapshot(1, [Instance("orders", "o2", s_ordersV1.Revision, "10.0.0.2")], ("shop.Orders", "orders")));

        Assert.NotNull(view.Recompute());
        Assert.Equal(["o2"], target.Current!.Endpoints.Select(e => e.InstanceId));
    }

    [Fact]
    public void Recompute_AppFromDiskWhileTheRegistryHangs_PublishesTheDiskDataAfterTheGrace()
    {
        // A registry that accepts connections and never answers fails nothing before its call timeout (5 s by
        // default); the grace bounds how long the disk data waits for it.
        var view = CreateView(snapshotGrace: TimeSpan.FromSeconds(1));
        view.LoadFromDisk(DiskSnapshot());
        var target = Track(view, new ServiceTarget("shop.Orders"));
        Assert.Null(view.Recompute());

        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Null(view.Recompute());
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.NotNull(view.Recompute());
        Assert.Equal(["o1"], target.Current!.Endpoints.Select(e => e.InstanceId));

        // The live view replaces it when it arrives.
        view.Apply(s_orders, Snapshot(1, [Instance("orders", "o2", s_ordersV1.Revision, "10.0.0.2")], ("shop.Orders", "orders")));
        Assert.NotNull(view.Recompute());
        Assert.Equal(["o2"], target.Current.Endpoints.Select(e => e.InstanceId));
    }

    [Fact]
    public void Recompute_AppFromDiskGraceFlagSetByTheTimer_Publishes()
    {
        var view = CreateView(snapshotGrace: TimeSpan.FromSeconds(1));
        view.LoadFromDisk(DiskSnapshot());
        var target = Track(view, new ServiceTarget("shop.Orders"));
        Assert.Null(view.Recompute());

        target.DiskGraceElapsed = true;

        Assert.NotNull(view.Recompute());
        Assert.Equal(["o1"], target.Current!.Endpoints.Select(e => e.InstanceId));
    }

    [Fact]
    public void Recompute_ZeroSnapshotGrace_PublishesTheDiskDataAtOnce()
    {
        var view = CreateView(snapshotGrace: TimeSpan.Zero);
        view.LoadFromDisk(DiskSnapshot());
        var target = Track(view, new ServiceTarget("shop.Orders"));

        Assert.NotNull(view.Recompute());
        Assert.Equal(["o1"], target.Current!.Endpoints.Select(e => e.InstanceId));
    }

    [Fact]
    public void Recompute_AppFromDiskAndTheRegistryUnreachable_PublishesTheDiskData()
    {
        var view = CreateView();
        view.LoadFromDisk(DiskSnapshot());
        var target = Track(view, new ServiceTarget("shop.Orders"));
        Assert.Null(view.Recompute());

        view.RegistryUnreachable("Unavailable: connection refused");

        Assert.NotNull(view.Recompute());
        Assert.Equal(["o1"], target.Current!.Endpoints.Select(e => e.InstanceId));
    }

    [Fact]
    public void Recompute_AppFromDiskAtTheResolveTimeout_PublishesTheDiskData()
    {
        var view = CreateView();
        view.LoadFromDisk(DiskSnapshot());
        var target = Track(view, new ServiceTarget("shop.Orders"));
        Assert.Null(view.Recompute());

        _time.Advance(ResolveTimeout);

        Assert.NotNull(view.Recompute());
        Assert.Equal(["o1"], target.Current!.Endpoints.Select(e => e.InstanceId));
    }

    [Fact]
    public void Recompute_AppFromDiskWithoutARegistry_PublishesAtOnce()
    {
        var view = CreateView(hasRegistry: false);
        view.LoadFromDisk(DiskSnapshot());
        var target = Track(view, new ServiceTarget("shop.Orders"));

        Assert.NotNull(view.Recompute());
        Assert.Equal(["o1"], target.Current!.Endpoints.Select(e => e.InstanceId));
    }

    [Fact]
    public void Apply_RegistrySaysEmptyForAnAppFromDisk_NoEmptyProtection()
    {
        var view = CreateView(emptyProtection: true);
        view.LoadFromDisk(DiskSnapshot());

        view.Apply(s_orders, Snapshot(1, []));

        Assert.False(view.IsProtected("orders"));
        Assert.Empty(view.GetInstances("orders"));
    }

    [Fact]
    public void Apply_ResetSnapshotWithoutTheMappingOfAProtectedApp_KeepsTheServiceResolvable()
    {
        // A registry restarted empty: its first snapshot lists neither the instances nor the mapping, then each
        // provider registers (instance back) before it maps its services (mapping back).
        var view = CreateView(emptyProtection: true);
        var target = Track(view, new ServiceTarget("shop.Orders"));
        view.Apply(s_orders, Snapshot(1, [Instance("orders", "o1", s_ordersV1.Revision)], ("shop.Orders", "orders")));
        view.Recompute();
        Assert.Equal(["o1"], target.Current!.Endpoints.Select(e => e.InstanceId));

        view.Apply(s_orders, Reset(Snapshot(1, [])));
        view.Recompute();
        Assert.Equal(["o1"], target.Current.Endpoints.Select(e => e.InstanceId));
        Assert.Equal(["orders"], view.GetMappedApps("shop.Orders"));

        view.Apply(s_orders, Delta(2, Put(Instance("orders", "o1", s_ordersV1.Revision))));
        view.Recompute();
        Assert.Equal(["o1"], target.Current.Endpoints.Select(e => e.InstanceId));
        Assert.Equal(StatusCode.OK, target.Current.Status.StatusCode);

        view.Apply(s_orders, Delta(3, MappingPut("shop.Orders", "orders"), Put(Instance("orders", "o2", s_ordersV1.Revision, "10.0.0.2"))));
        view.Recompute();
        Assert.Equal(["o1", "o2"], target.Current.Endpoints.Select(e => e.InstanceId));
    }

    [Fact]
    public void Apply_MappingDeleteOfAnAppWithInstances_EmptyProtectionKeepsItUntilTheAppHasNone()
    {
        var view = CreateView(emptyProtection: true);
        var target = Track(view, new ServiceTarget("shop.Orders"));
        view.LoadFromDisk(DiskSnapshot());
        view.RegistryUnreachable("Unavailable: connection refused");
        view.Recompute();
        Assert.Equal(["o1"], target.Current!.Endpoints.Select(e => e.InstanceId));

        // The disk list is routed to, so its mapping is kept when the registry drops it...
        view.Apply(s_orders, Delta(2, MappingDelete("shop.Orders", "orders")));
        Assert.Equal(["orders"], view.GetMappedApps("shop.Orders"));

        // ...until the registry says the app is empty: a disk list is not empty-protected, nothing is left to route
        // to, and the mapping goes with it.
        view.Apply(s_orders, Snapshot(3, []));
        view.Recompute();
        Assert.Empty(view.GetMappedApps("shop.Orders"));
        Assert.Equal(StatusCode.Unavailable, target.Current.Status.StatusCode);
    }

    [Fact]
    public void Apply_SnapshotWithoutAMapping_WithoutEmptyProtectionTheMappingGoes()
    {
        var view = CreateView(emptyProtection: false);
        var target = Track(view, new ServiceTarget("shop.Orders"));
        view.Apply(s_orders, Snapshot(1, [Instance("orders", "o1", s_ordersV1.Revision)], ("shop.Orders", "orders")));
        view.Recompute();

        view.Apply(s_orders, Snapshot(2, [Instance("orders", "o1", s_ordersV1.Revision)]));
        view.Recompute();

        Assert.Empty(view.GetMappedApps("shop.Orders"));
        Assert.Equal(StatusCode.Unavailable, target.Current!.Status.StatusCode);
    }

    [Fact]
    public void SuspendEndpoint_AnUnresponsiveProvider_IsNotRoutedToUntilTheSuspensionEnds()
    {
        var view = CreateView();
        var target = Track(view, new ServiceTarget("shop.Orders", app: "orders"));
        view.Apply(s_orders, Snapshot(1, [Instance("orders", "o1", s_ordersV1.Revision, "10.0.0.1"), Instance("orders", "o2", s_ordersV1.Revision, "10.0.0.2")]));
        view.Recompute();

        Assert.True(view.SuspendEndpoint("10.0.0.1", 5000, TimeSpan.FromSeconds(30)));
        Assert.False(view.SuspendEndpoint("10.0.0.1", 5000, TimeSpan.FromSeconds(30)));
        view.Recompute();
        Assert.Equal(["o2"], target.Current!.Endpoints.Select(e => e.InstanceId));

        // Every endpoint suspended: all are routed to (a hung instance is better than none).
        view.SuspendEndpoint("10.0.0.2", 5000, TimeSpan.FromSeconds(30));
        view.Recompute();
        Assert.Equal(["o1", "o2"], target.Current.Endpoints.Select(e => e.InstanceId));

        _time.Advance(TimeSpan.FromSeconds(30));
        view.SuspendEndpoint("10.0.0.2", 5000, TimeSpan.FromSeconds(30));
        view.Recompute();
        Assert.Equal(["o1"], target.Current.Endpoints.Select(e => e.InstanceId));
    }

    [Fact]
    public void CaptureInto_WritesRoutableAppsAndMappings_AndNamesTheirMetadata()
    {
        var view = CreateView();
        view.Apply(s_orders, Snapshot(1, [Instance("orders", "o1", s_ordersV1.Revision)], ("shop.Orders", "orders")));
        var snapshot = new ViewSnapshot();

        var keys = view.CaptureInto(snapshot);

        var app = Assert.Single(snapshot.Apps);
        Assert.Equal("o1", Assert.Single(app.Instances).InstanceId);
        Assert.Equal(("shop.Orders", "orders"), (Assert.Single(snapshot.Mappings).Service, snapshot.Mappings[0].App));
        Assert.Equal(new MetadataKey("orders", s_ordersV1.Revision), Assert.Single(keys));
    }

    [Fact]
    public void WatchBroken_MappingsAreNoLongerComplete_LookupsContinue()
    {
        var view = CreateView();
        view.Apply(s_orders, Snapshot(1, [], ("shop.Orders", "orders")));
        Assert.True(view.TryCompleteLookup("shop.Orders"));

        view.WatchBroken("Unavailable: the Watch stream ended");

        Assert.False(view.TryCompleteLookup("shop.Orders"));
        view.Apply(s_orders, Delta(2));
        Assert.True(view.TryCompleteLookup("shop.Orders"));
    }

    private static WatchResponse Reset(WatchResponse snapshot)
    {
        snapshot.Reset = true;
        return snapshot;
    }

    private static ViewSnapshot DiskSnapshot()
    {
        var snapshot = new ViewSnapshot();
        var app = new ViewSnapshotApp { App = "orders" };
        app.Instances.Add(new ViewSnapshotInstance { InstanceId = "o1", Host = "10.0.0.1", Port = 5000, Revision = s_ordersV1.Revision });
        snapshot.Apps.Add(app);
        snapshot.Mappings.Add(new ViewSnapshotMapping { Service = "shop.Orders", App = "orders" });
        return snapshot;
    }
}
