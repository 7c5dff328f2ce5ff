using System.Net;
using System.Net.Http.Headers;
using Introspection.Registry.Tests.Infrastructure;

namespace Introspection.Registry.Tests.Security;

/// <summary>
/// The dashboard's HTTP API is read with the registry's own credentials and read grants, as ListApps and Watch are:
/// without credentials it answers 401, a principal reads only the namespaces it has a read grant for.
/// </summary>
public sealed class DashboardAuthorizationTests
{
    [Fact]
    public async Task Dashboard_WithAuthentication_NeedsCredentialsAndTheNamespacesReadGrant()
    {
        var viewer = SecuritySettings.NewKey();
        var writer = SecuritySettings.NewKey();
        await using var registry = await RegistryHost.StartAsync(
        [
            .. SecuritySettings.ApiKey(0, "viewer", viewer, "default:read"),
            .. SecuritySettings.ApiKey(1, "orders-svc", writer, "*:write:orders"),
        ]);
        await registry.Client.RegisterAsync(Instances.Register("orders", "o1"), SecuritySettings.As(writer));
        using var http = NewClient(registry);

        using var anonymous = await http.GetAsync("dashboard/api/state?ns=default");
        using var page = await http.GetAsync("dashboard/");
        using var read = await Send(http, "dashboard/api/state?ns=default", viewer);
        using var otherNamespace = await Send(http, "dashboard/api/state?ns=payments", viewer);
        using var writeOnly = await Send(http, "dashboard/api/state?ns=default", writer);
        using var namespaces = await Send(http, "dashboard/api/namespaces", writer);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, page.StatusCode);
        Assert.True(read.StatusCode == HttpStatusCode.OK, await read.Content.ReadAsStringAsync());
        Assert.Contains("\"orders\"", await read.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, otherNamespace.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, writeOnly.StatusCode);
        Assert.DoesNotContain("default", await namespaces.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_AnonymousLoopbackRegistry_ReadsEverything()
    {
        await using var registry = await RegistryHost.StartAsync();
        await registry.RegisterAsync("orders", "o1", "127.0.0.1", 5001, "0", ["orders.Orders"]);
        using var http = NewClient(registry);

        using var state = await http.GetAsync("dashboard/api/state?ns=default");

        Assert.Equal(HttpStatusCode.OK, state.StatusCode);
        Assert.Contains("\"orders\"", await state.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static HttpClient NewClient(RegistryHost registry) => new()
    {
        BaseAddress = registry.Address,
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = TestTimeouts.Call,
    };

    private static Task<HttpResponseMessage> Send(HttpClient http, string path, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http.SendAsync(request);
    }
}
