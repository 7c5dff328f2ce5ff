namespace Introspection.Client;

// App-level resolution: the instances of an app (HttpClient, gateways), optionally filtered by the HTTP endpoints
// their metadata lists. Same machinery as service targets: one watch, metadata once per revision, pushed changes.
public sealed partial class IntrospectionClient
{
    /// <summary>
    /// Resolves <paramref name="target"/> to the instances of its app (those serving its HTTP route, when it has
    /// one). The first call waits (up to <see cref="IntrospectionClientOptions.ResolveTimeout"/>) for the registry
    /// and metadata; later calls answer from memory. Endpoints carry the instance's registered port.
    /// </summary>
    /// <exception cref="Grpc.Core.RpcException">UNAVAILABLE when no instance matches; see <see cref="IntrospectionErrors"/>.</exception>
    public ValueTask<IReadOnlyList<InstanceEndpoint>> ResolveAppAsync(AppTarget target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        return ResolveAsync(ServiceTarget.ForApp(target), cancellationToken);
    }

    /// <summary>
    /// Calls <paramref name="onChange"/> with the current resolution of <paramref name="target"/> as soon as it is
    /// settled, then after every change (pushed by the registry watch, never polled), in order, never concurrently.
    /// The resolution's <see cref="ServiceResolution.Target"/> has an empty <see cref="ServiceTarget.Service"/> and
    /// the app in <see cref="ServiceTarget.App"/>. Dispose the result to stop.
    /// </summary>
    public IDisposable SubscribeApp(AppTarget target, Action<ServiceResolution> onChange)
    {
        ArgumentNullException.ThrowIfNull(target);
        return Subscribe(ServiceTarget.ForApp(target), onChange);
    }
}
