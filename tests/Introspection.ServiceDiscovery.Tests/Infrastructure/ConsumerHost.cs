using System.Net;
using Introspection.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.ServiceDiscovery;
using Polly;

namespace Introspection.ServiceDiscovery.Tests.Infrastructure;

/// <summary>
/// A consumer as an app would write it: ME.SD (<c>AddServiceDiscovery</c>) plus our provider, and an HttpClient
/// <c>http://weather</c> with service discovery behind a retry handler. ME.SD's polling period is set to ten minutes,
/// so anything seen within a test's seconds was pushed by a change token, never polled.
/// </summary>
internal sealed class ConsumerHost : IAsyncDisposable
{
    public const string WeatherClient = "weather";

    private readonly ServiceProvider _services;

    private ConsumerHost(ServiceProvider services) => _services = services;

    public IServiceProvider Services => _services;

    public ServiceEndpointResolver Resolver => _services.GetRequiredService<ServiceEndpointResolver>();

    public IntrospectionClient Client => _services.GetRequiredService<IntrospectionClient>();

    public HttpClient CreateWeatherClient() => _services.GetRequiredService<IHttpClientFactory>().CreateClient(WeatherClient);

    public static ConsumerHost Create(RegistryHost registry, Action<IServiceCollection>? configure = null, IDictionary<string, string?>? settings = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build());
        services.AddServiceDiscovery(o => o.RefreshPeriod = TimeSpan.FromMinutes(10));
        services.AddIntrospectionServiceEndpointProvider();
        services.AddIntrospectionClient(o =>
        {
            o.Registries.Add(registry.Url);
            o.EnableSnapshot = false;
            o.ResolveTimeout = TimeSpan.FromSeconds(5);
        });
        var weather = services.AddHttpClient(WeatherClient, http =>
            {
                http.BaseAddress = new Uri("http://weather");
                // The providers serve HTTP/2 only on their one cleartext port (h2c, prior knowledge).
                http.DefaultRequestVersion = HttpVersion.Version20;
                http.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;
                http.Timeout = TestTimeouts.Call;
            });

        // Outside service discovery, so every attempt picks an endpoint again: a retry after a dead instance's
        // connection failed goes to the next one. Retry only (no circuit breaker, whose failure ratio would trip on
        // the dead instance before the registry drops it), short constant delay.
        weather.AddResilienceHandler("retry", pipeline => pipeline.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = 3,
            Delay = TimeSpan.FromMilliseconds(20),
            BackoffType = DelayBackoffType.Constant,
            UseJitter = false,
        }));
        weather.AddServiceDiscovery();
        configure?.Invoke(services);
        return new ConsumerHost(services.BuildServiceProvider());
    }

    /// <summary>The endpoints ME.SD currently resolves for <paramref name="serviceName"/>.</summary>
    public async Task<IReadOnlyList<ServiceEndpoint>> EndpointsAsync(string serviceName = "http://weather")
    {
        var source = await Resolver.GetEndpointsAsync(serviceName, CancellationToken.None).AsTask().WaitAsync(TestTimeouts.Call);
        return source.Endpoints;
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
