using System.Text.Json;
using Introspection.ServiceDiscovery.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Introspection.ServiceDiscovery.Tests.Http;

/// <summary>An HttpClient with <c>BaseAddress = http://weather</c> against two real provider processes, one killed.</summary>
[Collection(ProcessTestsCollection.Name)]
public sealed class HttpClientByAppNameTests(ITestOutputHelper output)
{
    [Fact]
    public async Task HttpClient_TwoProvidersOneKilled_NoFailedRequestAndTheSurvivorTakesAll()
    {
        await using var registry = await RegistryHost.StartAsync();
        var ttl = TimeSpan.FromSeconds(2);
        await using var a = await ProcessHttpProvider.StartAsync(registry.Url, registry.Client, "w-a", ttl);
        await using var b = await ProcessHttpProvider.StartAsync(registry.Url, registry.Client, "w-b", ttl);
        await using var consumer = ConsumerHost.Create(registry);
        var http = consumer.CreateWeatherClient();

        // Round-robin over both instances, by app name.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 10; i++)
        {
            seen.Add(await http.GetStringAsync("/whoami"));
        }

        Assert.Equal(["w-a", "w-b"], seen.Order(StringComparer.Ordinal));

        // Steady requests; kill -9 one provider after a few. Bounded in count and time.
        var failures = new List<string>();
        var answeredBy = new List<string>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(40);
        DateTime? goneAt = null;
        for (var i = 0; i < 2_000 && DateTime.UtcNow < deadline; i++)
        {
            if (i == 20)
            {
                await a.KillAsync();
            }

            try
            {
                using var response = await http.GetAsync($"/weather/city{i}");
                if (!response.IsSuccessStatusCode)
                {
                    failures.Add($"#{i}: {(int)response.StatusCode}");
                }
                else
                {
                    using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                    answeredBy.Add(body.RootElement.GetProperty("instance").GetString()!);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                failures.Add($"#{i}: {ex.GetType().Name} {ex.Message}");
            }

            if (i > 20 && goneAt is null && (await consumer.EndpointsAsync()).Count == 1)
            {
                goneAt = DateTime.UtcNow;
            }

            // Some requests after the dead instance left the endpoints, then stop.
            if (goneAt is { } gone && DateTime.UtcNow - gone > TimeSpan.FromSeconds(1))
            {
                break;
            }
        }

        output.WriteLine($"{answeredBy.Count} requests answered, {failures.Count} failed; the killed instance left ME.SD: {goneAt is not null}");
        Assert.Empty(failures);
        Assert.NotNull(goneAt);
        Assert.Equal("w-b", (await consumer.EndpointsAsync()).Single().Features.Get<IntrospectionInstanceFeature>()!.InstanceId);
        Assert.All(answeredBy.TakeLast(5), who => Assert.Equal("w-b", who));
    }
}
