using Grpc.Core;
using Grpc.Net.Client;

namespace Introspection.Client;

/// <summary>
/// Hooks into how channels to registry nodes are built, for both the discovery client and the
/// <see cref="IntrospectionRegistrar"/>: TLS and client certificates, call credentials, resilience handlers.
/// Each hook runs once per node channel, after the side's own defaults (keep-alive pings, connect timeout,
/// connection lifetime) have been applied, so a hook changes only what it names. A channel is rebuilt (and the
/// hooks run again) when the connection drops it after a failure.
/// </summary>
public sealed class RegistryChannelOptions
{
    /// <summary>
    /// Adjusts the <see cref="SocketsHttpHandler"/> of the channel to the node at the given address: for example
    /// <c>SslOptions.ClientCertificates</c>, <c>SslOptions.RemoteCertificateValidationCallback</c> or a proxy.
    /// Default: null (the defaults stand).
    /// </summary>
    public Action<Uri, SocketsHttpHandler>? ConfigureHttpHandler { get; set; }

    /// <summary>
    /// Wraps the configured handler, typically in a <see cref="DelegatingHandler"/> chain (resilience, auditing).
    /// The returned handler is owned by the channel and disposed with it. Default: null (no wrapping).
    /// </summary>
    public Func<HttpMessageHandler, HttpMessageHandler>? WrapHandler { get; set; }

    /// <summary>
    /// Credentials attached to every registry call besides <see cref="TokenSource"/> / <see cref="AccessToken"/>.
    /// They need an <c>https</c> registry address: sending them in clear text is refused when the channel is
    /// built. Default: null.
    /// </summary>
    public CallCredentials? Credentials { get; set; }

    /// <summary>
    /// How the registry's server certificate is checked (custom CA file or store, revocation) and which client
    /// certificate is presented for mutual TLS. Applied before <see cref="ConfigureHttpHandler"/>. Default: the
    /// system store, no client certificate.
    /// </summary>
    public TlsClientOptions Tls { get; set; } = new();

    /// <summary>
    /// Where registry calls get their bearer token (<c>authorization: Bearer ...</c>): a JWT from an identity
    /// provider, typically wrapped in a <see cref="RefreshingTokenSource"/>. Code only; wins over
    /// <see cref="AccessToken"/>. Needs an <c>https</c> registry address. Default: null.
    /// </summary>
    public IIntrospectionTokenSource? TokenSource { get; set; }

    /// <summary>
    /// A static API key or token sent as <c>authorization: Bearer ...</c> on every registry call, for example
    /// from an environment variable or a secret store bound to configuration. Never logged. Needs an
    /// <c>https</c> registry address. Default: null.
    /// </summary>
    public string? AccessToken { get; set; }

    /// <summary>Last word on the <see cref="GrpcChannelOptions"/> of the channel to the node at the given address. Default: null.</summary>
    public Action<Uri, GrpcChannelOptions>? ConfigureChannel { get; set; }
}
