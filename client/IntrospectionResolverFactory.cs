using Grpc.Net.Client.Balancer;
using Introspection.Client.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Introspection.Client;

/// <summary>
/// grpc-dotnet resolver factory for <c>introspect:///service[?group=..&amp;version=..&amp;app=..]</c> addresses.
/// <c>AddIntrospectionClient()</c> registers it; register it yourself to give a hand-made <c>GrpcChannel</c>
/// (through <c>GrpcChannelOptions.ServiceProvider</c>) the same resolution.
/// </summary>
/// <remarks>
/// Each resolver it creates subscribes to <see cref="IntrospectionClient.Subscribe"/> and pushes every change to
/// the channel; the resolver type itself is an implementation detail (as grpc-dotnet's <c>DnsResolverFactory</c>
/// is public and its resolver is not).
/// </remarks>
public sealed class IntrospectionResolverFactory : ResolverFactory
{
    private readonly IntrospectionClient _client;
    private readonly IOptions<IntrospectionClientOptions> _options;

    /// <summary>Creates a factory whose resolvers answer from <paramref name="client"/>.</summary>
    /// <param name="client">The process's discovery client.</param>
    /// <param name="options">Read for <see cref="IntrospectionClientOptions.ApplyDefaultServiceConfig"/>.</param>
    public IntrospectionResolverFactory(IntrospectionClient client, IOptions<IntrospectionClientOptions> options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        _client = client;
        _options = options;
    }

    /// <summary>The URI scheme it serves: <c>introspect</c>.</summary>
    public override string Name => ServiceTarget.Scheme;

    /// <summary>Creates the resolver of one channel address.</summary>
    /// <exception cref="InvalidOperationException">The address is not a valid <c>introspect:</c> target.</exception>
    public override Resolver Create(ResolverOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!ServiceTarget.TryParse(options.Address, out var target, out var error))
        {
            throw new InvalidOperationException(error);
        }

        // grpc-dotnet gives a resolver the channel's default port: 443 when its credentials are secure, 80 when
        // not. That is the only sign of the scheme the channel will dial every address with.
        var channelScheme = options.DefaultPort == 443 ? Protocol.WireContract.SchemeHttps : Protocol.WireContract.SchemeHttp;
        var settings = _options.Value;
        return new IntrospectionResolver(
            _client,
            target,
            settings.ApplyDefaultServiceConfig,
            channelScheme,
            InstanceScheme.UnlabeledIsHttps(settings),
            options.LoggerFactory.CreateLogger<IntrospectionResolver>());
    }
}
