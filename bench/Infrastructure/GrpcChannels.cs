using System.Net.Http;
using Grpc.Net.Client;

namespace Introspection.Bench.Infrastructure;

/// <summary>Channels as the load tools need them.</summary>
internal static class GrpcChannels
{
    /// <summary>
    /// A channel with its own connection(s). Extra HTTP/2 connections are allowed because one
    /// connection is capped at the server's concurrent-stream limit (Kestrel: 100), and the load
    /// tools hold thousands of KeepAlive and Watch streams. Message size is unlimited because a full
    /// model listing can exceed the 4 MB default.
    /// </summary>
    public static GrpcChannel Create(Uri address)
    {
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            MaxReceiveMessageSize = null,
            MaxSendMessageSize = null,
            DisposeHttpClient = true,
        });
    }
}
