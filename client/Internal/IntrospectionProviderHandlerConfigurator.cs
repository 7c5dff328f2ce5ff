using System.Net.Http;
using Grpc.Net.ClientFactory;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Introspection.Client.Internal;

/// <summary>
/// Applies <see cref="ProviderChannelOptions.Tls"/> (trust, client certificate) and turns on HTTP/2 keep-alive pings on the primary handler of every <c>AddGrpcClient</c> client whose address uses
/// <c>introspect:///</c>, so a provider that hangs (stopped, deadlocked, a dead link that never resets) is noticed
/// within <see cref="IntrospectionClientOptions.ProviderKeepAlivePingDelay"/> +
/// <see cref="IntrospectionClientOptions.ProviderKeepAlivePingTimeout"/>: the handler aborts the connection, the calls
/// on it fail with UNAVAILABLE before any response header (so the default retry policy moves them to another
/// instance), and grpc-dotnet's subchannel sees its stream closed and leaves the Ready state. Without pings such a
/// connection looks healthy until every call on it has waited out its deadline.
/// </summary>
/// <remarks>
/// Runs as a handler-builder action added in post-configuration, so after the application's own
/// <c>ConfigurePrimaryHttpMessageHandler</c>: a handler the application chose keeps the keep-alive it set, and a
/// handler that is not a <see cref="SocketsHttpHandler"/> is left alone. When no handler is chosen yet, it creates
/// the one grpc-dotnet would (a <see cref="SocketsHttpHandler"/> with several HTTP/2 connections allowed).
/// </remarks>
internal sealed class IntrospectionProviderHandlerConfigurator(
    IOptions<IntrospectionClientOptions> options,
    IOptionsMonitor<GrpcClientFactoryOptions> grpcClients,
    ILoggerFactory? loggerFactory = null) : IPostConfigureOptions<HttpClientFactoryOptions>
{
    private readonly Lazy<TlsClientSettings> _tls = new(() => TlsClientSettings.Load(
        options.Value.ProviderChannel.Tls,
        IntrospectionClientOptions.SectionName + ":ProviderChannel:Tls",
        (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<IntrospectionProviderHandlerConfigurator>()));

    public void PostConfigure(string? name, HttpClientFactoryOptions clientOptions)
    {
        if (name is null)
        {
            return;
        }

        clientOptions.HttpMessageHandlerBuilderActions.Add(builder =>
        {
            // Read when the handler is built: the gRPC client's address is configured by then.
            if (!string.Equals(grpcClients.Get(name).Address?.Scheme, ServiceTarget.Scheme, StringComparison.OrdinalIgnoreCase))
            {
                return;
            }

            var settings = options.Value;
            if (builder.PrimaryHandler is null)
            {
                builder.PrimaryHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true };
            }

            if (builder.PrimaryHandler is SocketsHttpHandler handler)
            {
                if (settings.ProviderKeepAlivePingDelay != Timeout.InfiniteTimeSpan && handler.KeepAlivePingDelay == Timeout.InfiniteTimeSpan)
                {
                    handler.KeepAlivePingDelay = settings.ProviderKeepAlivePingDelay;
                    handler.KeepAlivePingTimeout = settings.ProviderKeepAlivePingTimeout;

                    // Only while calls are in flight: an idle connection has nothing to lose, and servers that police
                    // pings (grpc-go, grpc-java) tolerate pings without calls even less.
                    handler.KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests;
                }

                // The consumer's provider trust and client certificate, unless the application chose its own.
                var tls = _tls.Value;
                if (tls.IsCustomized && handler.SslOptions.RemoteCertificateValidationCallback is null && handler.SslOptions.ClientCertificates is not { Count: > 0 })
                {
                    tls.Apply(handler);
                }
            }

            if (settings.ProviderKeepAlivePingDelay == Timeout.InfiniteTimeSpan)
            {
                // Pings off: the connection-loss report rides on them, as before.
                return;
            }

            var client = builder.Services.GetService(typeof(IntrospectionClient)) as IntrospectionClient;
            builder.AdditionalHandlers.Add(new ProviderConnectionLossHandler(client is null ? null : client.ReportUnresponsive));
        });
    }
}
