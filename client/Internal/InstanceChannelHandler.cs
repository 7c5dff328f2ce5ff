using Grpc.Core;
using Introspection.Protocol;
using Introspection.Protocol.Registry.V1;
using Microsoft.Extensions.Logging;

namespace Introspection.Client.Internal;

/// <summary>
/// What every metadata fetch to an instance shares, whichever metadata service it calls (introspection's own or
/// Dubbo's MetadataServiceV2): the one handler with its connection habits and the ProviderChannel TLS settings, and
/// the scheme an instance is dialled with (its <c>scheme</c> label).
/// </summary>
internal static class InstanceChannelHandler
{
    /// <summary>A handler for fetches: connections used once per revision, not kept around; TLS from <paramref name="channel"/>.</summary>
    public static SocketsHttpHandler Create(TimeSpan connectTimeout, ProviderChannelOptions channel, ILogger logger)
    {
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = connectTimeout,
            // Connections to instances are used once per revision; do not keep them around.
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        };
        TlsClientSettings.Load(channel.Tls, IntrospectionClientOptions.SectionName + ":ProviderChannel:Tls", logger).Apply(handler);
        return handler;
    }

    /// <summary>The scheme <paramref name="instance"/> is dialled with; FAILED_PRECONDITION for one we do not dial.</summary>
    public static string SchemeOf(Instance instance, bool unlabeledIsHttps)
    {
        var scheme = InstanceScheme.Of(instance.Labels, unlabeledIsHttps);
        if (scheme is not (WireContract.SchemeHttp or WireContract.SchemeHttps))
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"Instance {instance.App}/{instance.InstanceId} registered the scheme '{scheme}'; only http and https are dialled."));
        }

        return scheme;
    }
}
