using System.Net;
using Introspection.Registry;
using Microsoft.AspNetCore.Builder;

namespace Introspection.Telemetry.Tests;

/// <summary>The registry host's Prometheus scrape endpoint: off by default; when on, counts only, on the port it is given.</summary>
public sealed class PrometheusEndpointTests
{
    [Fact]
    public async Task Enabled_OnItsOwnPort_ServesRegistryMetricsOverHttp1_AndNotOnTheGrpcPort()
    {
        var grpcPort = FreePort.Get();
        var metricsPort = FreePort.Get();
        await using var app = RegistryApplication.Build(
        [
            $"--Kestrel:Endpoints:Grpc:Url=http://127.0.0.1:{grpcPort}",
            "--Kestrel:Endpoints:Grpc:Protocols=Http2",
            $"--Kestrel:Endpoints:Metrics:Url=http://127.0.0.1:{metricsPort}",
            "--Kestrel:Endpoints:Metrics:Protocols=Http1",
            "--Introspection:Registry:Telemetry:Prometheus:Enabled=true",
            $"--Introspection:Registry:Telemetry:Prometheus:Port={metricsPort}",
        ]);
        await app.StartAsync().WaitAsync(TestTimeouts.Start);
        using (var registry = Grpc.Net.Client.GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}"))
        {
            var client = new Protocol.Registry.V1.Registry.RegistryClient(registry);
            await client.RegisterAsync(new Protocol.Registry.V1.RegisterRequest { Instance = new() { App = "scraped", InstanceId = "s1", Host = "127.0.0.1", Port = 1, Revision = "0" } }, deadline: DateTime.UtcNow.Add(TestTimeouts.Call));
        }

        using var http = new HttpClient();
        string body = "";
        await Poll.UntilAsync(
            async () =>
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{metricsPort}/metrics"));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(new Version(1, 1), response.Version);
                body = await response.Content.ReadAsStringAsync();
                return body.Contains("introspection_registry_registrations", StringComparison.Ordinal);
            },
            TestTimeouts.Condition,
            "the scrape shows the registration counter");
        Assert.Contains("# TYPE introspection_registry_registrations", body, StringComparison.Ordinal);
        // Counts only: no instance id, app name or address of a registered instance.
        Assert.DoesNotContain("scraped", body, StringComparison.Ordinal);
        Assert.DoesNotContain("s1\"", body, StringComparison.Ordinal);

        using var h2c = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var onGrpcPort = await h2c.GetAsync(new Uri($"http://127.0.0.1:{grpcPort}/metrics"));
        Assert.Equal(HttpStatusCode.NotFound, onGrpcPort.StatusCode);
        await app.StopAsync().WaitAsync(TestTimeouts.Stop);
    }

    [Fact]
    public async Task Default_NoScrapeEndpoint()
    {
        await using var registry = await RegistryHost.StartAsync();
        using var h2c = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response = await h2c.GetAsync(new Uri(registry.Address, "/metrics"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Enabled_WithoutPort_ServedOnTheRegistryEndpoint()
    {
        await using var registry = await RegistryHost.StartAsync("--Introspection:Registry:Telemetry:Prometheus:Enabled=true", "--Introspection:Registry:Telemetry:Prometheus:Path=/internal/metrics");
        using var h2c = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response = await h2c.GetAsync(new Uri(registry.Address, "/internal/metrics"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("introspection_registry_", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public void BadOptions_AreRejectedAtStartWithTheirKeys()
    {
        var ex = Assert.ThrowsAny<Exception>(() =>
        {
            var app = RegistryApplication.Build(["--urls", "http://127.0.0.1:0", "--Introspection:Registry:Telemetry:Prometheus:Enabled=true", "--Introspection:Registry:Telemetry:Prometheus:Path=metrics", "--Introspection:Registry:Telemetry:Prometheus:Port=70000"]);
            app.DisposeAsync().AsTask().GetAwaiter().GetResult();
        });
        Assert.Contains("Prometheus:Path", ex.ToString(), StringComparison.Ordinal);
        Assert.Contains("Prometheus:Port", ex.ToString(), StringComparison.Ordinal);
    }
}
