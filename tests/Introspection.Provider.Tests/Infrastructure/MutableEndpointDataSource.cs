using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;

namespace Introspection.Provider.Tests.Infrastructure;

/// <summary>An endpoint data source whose endpoints a test replaces, firing the change token as dynamic routing does.</summary>
internal sealed class MutableEndpointDataSource(IReadOnlyList<Endpoint> endpoints) : EndpointDataSource
{
    private CancellationTokenSource _changed = new();

    public override IReadOnlyList<Endpoint> Endpoints => endpoints;

    public override IChangeToken GetChangeToken() => new CancellationChangeToken(_changed.Token);

    public void Replace(IReadOnlyList<Endpoint> replacement)
    {
        endpoints = replacement;
        var previous = Interlocked.Exchange(ref _changed, new CancellationTokenSource());
        previous.Cancel();
        previous.Dispose();
    }
}
