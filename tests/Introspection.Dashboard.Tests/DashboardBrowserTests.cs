using System.Diagnostics;
using OpenQA.Selenium;
using Xunit.Abstractions;

namespace Introspection.Dashboard.Tests;

/// <summary>
/// The dashboard as a person sees it: a real registry, real provider processes and a real (headless) Chromium.
/// Set <c>INTROSPECTION_SCREENSHOT=docs/dashboard.png</c> to keep a screenshot of the run (the README's).
/// </summary>
public sealed class DashboardBrowserTests(ITestOutputHelper output)
{
    private const string Hostile = "<script>window.__xss=1</script><img src=x onerror=\"window.__xss=2\">";
    private static readonly string s_revisionA = new('a', 64);
    private static readonly string s_revisionB = new('b', 64);

    [Fact]
    public async Task Dashboard_ProvidersComeAndGo_PageFollowsWithoutReloadOrConsoleErrors()
    {
        Assert.True(HeadlessChromium.Missing() is null, HeadlessChromium.Missing());
        await using var registry = await DashboardRegistry.StartAsync();
        await using var first = await StartProviderAsync(registry, "g-1", "--Introspection:Provider:Labels:zone=eu-1");
        await using var second = await StartProviderAsync(registry, "g-2", "--Introspection:Provider:Labels:zone=eu-2", $"--Introspection:Provider:Labels:note={Hostile}");
        // A second app mid-rollout (two revisions) and a second namespace, registered without processes behind them.
        await registry.RegisterAsync("billing", "b-1", s_revisionA, services: ["billing.Invoices"]);
        await registry.RegisterAsync("billing", "b-2", s_revisionA, services: ["billing.Invoices"]);
        await registry.RegisterAsync("billing", "b-3", s_revisionB, services: ["billing.Invoices"]);
        await registry.RegisterAsync("audit", "a-1", s_revisionA, ns: "staging");

        using var browser = HeadlessChromium.Start();
        var driver = browser.Driver;
        driver.Navigate().GoToUrl(registry.DashboardUrl);
        var js = (IJavaScriptExecutor)driver;

        await Poll.UntilAsync(() => InstancesShown(js, "greeter").SequenceEqual(["g-1", "g-2"]), TestTimeouts.Long, "the page lists both greeter instances");
        Assert.Equal("2", Text(js, "tr[data-app='greeter'] td.count"));
        Assert.Equal("3", Text(js, "tr[data-app='billing'] td.count"));
        // Revisions grouped: 2 of 3 billing instances on revision A.
        Assert.Contains("2 (67%)", Text(js, $"tr[data-app='billing'] [data-revision='{s_revisionA}']"), StringComparison.Ordinal);
        Assert.Equal("billing", Text(js, "tr[data-service='billing.Invoices'] td:nth-child(2)"));
        Assert.Contains("greeter", Text(js, "tr[data-service='greet.Greeter'] td:nth-child(2)"), StringComparison.Ordinal);
        Assert.Equal("memory", Text(js, "#reg-store"));
        Assert.Equal(["default", "staging"], (js.ExecuteScript("return Array.from(document.querySelectorAll('#namespace option')).map(o => o.value)") as IEnumerable<object>)!.Cast<string>());

        // User data is text: the label shows its markup literally and none of it ran or became an element.
        Assert.Equal("note=" + Hostile, Text(js, "tr[data-instance='g-2'] span[data-label='note']"));
        Assert.Null(js.ExecuteScript("return window.__xss === undefined ? null : window.__xss"));
        Assert.Equal(0L, js.ExecuteScript("return document.querySelectorAll('#app-details img, #app-details script').length"));

        // Marks this page load: if the page reloaded, the mark is gone.
        js.ExecuteScript("window.__pageLoad = 'first'");

        await using var third = await StartProviderAsync(registry, "g-3");
        var registered = Stopwatch.StartNew();
        await Poll.UntilAsync(() => InstancesShown(js, "greeter").Contains("g-3"), TestTimeouts.Long, "the third provider appears without a reload");
        output.WriteLine($"g-3 shown {registered.ElapsedMilliseconds} ms after the registry listed it");
        Assert.Equal("3", Text(js, "tr[data-app='greeter'] td.count"));

        // An instance's metadata, fetched by the registry from the instance, verified against its revision.
        driver.FindElement(By.CssSelector("tr[data-instance='g-2'] button")).Click();
        await Poll.UntilAsync(() => Text(js, "#metadata-status").Contains("verified: the content hashes to it", StringComparison.Ordinal), TestTimeouts.Long, "the metadata of g-2 is shown and verified");
        Assert.Contains("SayHello", Text(js, "[data-metadata-service='greet.Greeter']"), StringComparison.Ordinal);

        if (Environment.GetEnvironmentVariable("INTROSPECTION_SCREENSHOT") is { Length: > 0 } path)
        {
            driver.GetScreenshot().SaveAsFile(Path.GetFullPath(path));
            output.WriteLine("screenshot: " + Path.GetFullPath(path));
        }

        await first.KillAsync();
        await Poll.UntilAsync(() => !InstancesShown(js, "greeter").Contains("g-1"), TestTimeouts.Long, "the killed provider goes once its lease lapses");
        Assert.Equal(["g-2", "g-3"], InstancesShown(js, "greeter"));
        Assert.Equal("first", js.ExecuteScript("return window.__pageLoad"));
        Assert.Equal("live", Text(js, "#connection"));

        var errors = browser.ConsoleErrors();
        Assert.True(errors.Count == 0, "browser console errors:\n" + string.Join("\n", errors));
    }

    private static Task<ProcessProvider> StartProviderAsync(DashboardRegistry registry, string id, params string[] settings) =>
        ProcessProvider.StartAsync(registry.GrpcUrl, registry.Client, id, TimeSpan.FromSeconds(1.5), settings);

    private static List<string> InstancesShown(IJavaScriptExecutor js, string app) =>
        [.. ((js.ExecuteScript($"return Array.from(document.querySelectorAll(\"[data-app-details='{app}'] tr[data-instance]\")).map(r => r.dataset.instance)") as IEnumerable<object>) ?? []).Cast<string>()];

    private static string Text(IJavaScriptExecutor js, string selector) =>
        js.ExecuteScript("const e = document.querySelector(arguments[0]); return e ? e.textContent : ''", selector) as string ?? string.Empty;
}
