using System.Net;
using System.Text.Json.Nodes;
using Introspection.Registry.Dashboard;

namespace Introspection.Dashboard.Tests;

/// <summary>The dashboard's HTTP surface without a browser: switching, headers, the JSON API and the live feed.</summary>
public sealed class DashboardApiTests
{
    private static readonly string s_revisionA = new('a', 64);
    private static readonly string s_revisionB = new('b', 64);

    [Fact]
    public async Task State_GroupsRevisionsAndMappings_PerNamespace()
    {
        await using var registry = await DashboardRegistry.StartAsync();
        await registry.RegisterAsync("billing", "b-1", s_revisionA, new Dictionary<string, string> { ["zone"] = "eu" }, services: ["billing.Invoices"]);
        await registry.RegisterAsync("billing", "b-2", s_revisionA, services: ["billing.Invoices"]);
        await registry.RegisterAsync("billing", "b-3", s_revisionB, services: ["billing.Invoices", "billing.Refunds"]);
        await registry.RegisterAsync("audit", "s-1", s_revisionA, ns: "staging", services: ["audit.Log"]);
        using var http = new HttpClient { BaseAddress = new Uri(registry.DashboardUrl) };

        var state = JsonNode.Parse(await http.GetStringAsync("api/state"))!;
        Assert.Equal("default", (string?)state["namespace"]);
        var billing = Assert.Single(state["apps"]!.AsArray())!;
        Assert.Equal(3, (int)billing["instanceCount"]!);
        Assert.Equal([$"{s_revisionA}:2", $"{s_revisionB}:1"], billing["revisions"]!.AsArray().Select(r => $"{r!["revision"]}:{r["count"]}"));
        var first = billing["instances"]!.AsArray()[0]!;
        Assert.Equal("eu", (string?)first["labels"]!["zone"]);
        Assert.True((double)first["ageSeconds"]! >= 0);
        Assert.Equal(["billing.Invoices:billing", "billing.Refunds:billing"], state["mappings"]!.AsArray().Select(m => $"{m!["service"]}:{string.Join(',', m["apps"]!.AsArray().Select(a => (string)a!))}"));
        Assert.Equal("memory", (string?)state["registry"]!["store"]);
        Assert.False((bool)state["registry"]!["selfPreservation"]!);

        var staging = JsonNode.Parse(await http.GetStringAsync("api/state?ns=staging"))!;
        Assert.Equal(["audit"], staging["apps"]!.AsArray().Select(a => (string)a!["name"]!));
        var namespaces = JsonNode.Parse(await http.GetStringAsync("api/namespaces"))!["namespaces"]!.AsArray().Select(n => (string)n!);
        Assert.Equal(["default", "staging"], namespaces);
    }

    [Fact]
    public async Task Responses_CarryContentSecurityPolicy_AndAssetsAreEmbedded()
    {
        await using var registry = await DashboardRegistry.StartAsync();
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(registry.WebUrl) };

        var redirect = await http.GetAsync("/dashboard");
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal("/dashboard/", redirect.Headers.Location?.ToString());

        foreach (var (path, type) in new[] { ("/dashboard/", "text/html"), ("/dashboard/assets/dashboard.js", "text/javascript"), ("/dashboard/assets/dashboard.css", "text/css"), ("/dashboard/api/state", "application/json") })
        {
            using var response = await http.GetAsync(path);
            Assert.True(response.IsSuccessStatusCode, path);
            Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(DashboardEndpoints.ContentSecurityPolicy, string.Join(";", response.Headers.GetValues("Content-Security-Policy")));
            Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
        }

        var page = await http.GetStringAsync("/dashboard/");
        // Nothing from elsewhere and no inline script: the CSP would block it, and the page must not need it.
        Assert.DoesNotContain("http://", page, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", page, StringComparison.Ordinal);
        var script = await http.GetStringAsync("/dashboard/assets/dashboard.js");
        Assert.DoesNotContain("innerHTML", script, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/dashboard/assets/..%2Fappsettings.json")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/dashboard/assets/secret.txt")).StatusCode);
    }

    [Fact]
    public async Task Disabled_Explicitly_AnswersNotFound_AndOtherPathWorks()
    {
        await using (var off = await DashboardRegistry.StartAsync("--Introspection:Registry:Dashboard:Enabled=false"))
        {
            using var http = new HttpClient { BaseAddress = new Uri(off.WebUrl) };
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/dashboard/")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/dashboard/api/state")).StatusCode);
        }

        await using var moved = await DashboardRegistry.StartAsync("--Introspection:Registry:Dashboard:Path=/ops/registry");
        using var client = new HttpClient { BaseAddress = new Uri(moved.WebUrl) };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/ops/registry/")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/dashboard/")).StatusCode);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5300", true)]
    [InlineData("http://[::1]:5300", true)]
    [InlineData("https://localhost:5301", true)]
    [InlineData("http://0.0.0.0:5300", false)]
    [InlineData("http://[::]:5300", false)]
    [InlineData("http://*:5300", false)]
    [InlineData("http://+:5300", false)]
    [InlineData("http://10.1.2.3:5300", false)]
    [InlineData("http://registry.internal:5300", false)]
    public void IsLoopback_JudgesListenAddresses(string address, bool loopback) =>
        Assert.Equal(loopback, DashboardActivation.IsLoopback(address));

    [Fact]
    public async Task BadInput_AnswersClearStatuses()
    {
        await using var registry = await DashboardRegistry.StartAsync();
        await registry.RegisterAsync("billing", "b-1", s_revisionA);
        using var http = new HttpClient { BaseAddress = new Uri(registry.DashboardUrl) };
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("api/state?ns=bad%20ns")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("api/metadata?app=billing")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("api/metadata?app=billing&instance=nope")).StatusCode);
        // Registered at a port nothing serves: the registry says the instance failed, it does not fail itself.
        var unreachable = await http.GetAsync("api/metadata?app=billing&instance=b-1");
        Assert.Equal(HttpStatusCode.BadGateway, unreachable.StatusCode);
        Assert.Contains("did not serve its metadata", await unreachable.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_RingOnEveryChangeOfTheNamespace_Only()
    {
        await using var registry = await DashboardRegistry.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(registry.DashboardUrl), Timeout = Timeout.InfiniteTimeSpan };
        using var cts = new CancellationTokenSource(TestTimeouts.Long);
        using var response = await http.GetAsync("api/events?ns=default", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        Assert.Equal("retry: 1000", await reader.ReadLineAsync(cts.Token));
        await ReadUntilAsync(reader, "event: hello", cts.Token);

        // A change elsewhere does not ring this page; the next change here does, with its revision.
        await registry.RegisterAsync("audit", "s-1", s_revisionA, ns: "staging");
        await registry.RegisterAsync("billing", "b-1", s_revisionA);
        var revision = (await registry.Client.ListInstancesAsync(new Protocol.Registry.V1.ListInstancesRequest { App = "billing" })).Instances.Single().ModRevision;
        await ReadUntilAsync(reader, "event: change", cts.Token);
        Assert.Equal("data: " + revision, await reader.ReadLineAsync(cts.Token));
    }

    private static async Task ReadUntilAsync(StreamReader reader, string line, CancellationToken cancellationToken)
    {
        while (await reader.ReadLineAsync(cancellationToken) is { } read)
        {
            // Stats arrive every 2 s in between; skip them.
            if (read == line)
            {
                return;
            }
        }

        throw new EndOfStreamException("the stream ended before " + line);
    }
}
