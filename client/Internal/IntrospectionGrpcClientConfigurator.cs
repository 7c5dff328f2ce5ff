using Grpc.Core;
using Grpc.Net.Client.Configuration;
using Grpc.Net.ClientFactory;
using Microsoft.Extensions.Options;

namespace Introspection.Client.Internal;

/// <summary>
/// Gives every <c>AddGrpcClient</c> client whose address uses <c>introspect:///</c> what it needs and did not set
/// itself: credentials matching <see cref="ProviderChannelOptions.Scheme"/> (a non-http scheme tells the
/// channel nothing about TLS), and a service config with round_robin and a retry policy for UNAVAILABLE, so a
/// call that lands on an instance that just died is retried on another one.
/// </summary>
internal sealed class IntrospectionGrpcClientConfigurator(IOptions<IntrospectionClientOptions> options) : IPostConfigureOptions<GrpcClientFactoryOptions>
{
    public void PostConfigure(string? name, GrpcClientFactoryOptions clientOptions)
    {
        if (!string.Equals(clientOptions.Address?.Scheme, ServiceTarget.Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var settings = options.Value;
        clientOptions.ChannelOptionsActions.Add(channel =>
        {
            channel.Credentials ??= InstanceScheme.ChannelScheme(settings) == Protocol.WireContract.SchemeHttps ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure;

            // ME.SD's AddServiceDiscovery() (e.g. ConfigureHttpClientDefaults) would turn balancing off: see the guard.
            GrpcLoadBalancingGuard.KeepEnabled(channel.HttpHandler);
            if (settings.ApplyDefaultServiceConfig)
            {
                channel.ServiceConfig ??= CreateDefaultServiceConfig(settings.DefaultRetryMaxAttempts);
            }
        });
    }

    /// <summary>round_robin, and retries of UNAVAILABLE for every method.</summary>
    public static ServiceConfig CreateDefaultServiceConfig(int maxAttempts) => new()
    {
        LoadBalancingConfigs = { new RoundRobinConfig() },
        MethodConfigs =
        {
            new MethodConfig
            {
                Names = { MethodName.Default },
                RetryPolicy = new RetryPolicy
                {
                    MaxAttempts = maxAttempts,
                    InitialBackoff = TimeSpan.FromMilliseconds(50),
                    MaxBackoff = TimeSpan.FromMilliseconds(500),
                    BackoffMultiplier = 2,
                    RetryableStatusCodes = { StatusCode.Unavailable },
                },
            },
        },
    };
}
