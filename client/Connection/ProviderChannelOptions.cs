namespace Introspection.Client;

/// <summary>
/// How the consumer dials provider instances: the metadata fetch (<c>MetadataService</c>) and the application's
/// calls through <c>introspect:///</c> gRPC clients. Bound from <c>Introspection:Client:ProviderChannel</c>.
/// </summary>
/// <remarks>
/// An instance is dialled with the scheme of its <c>scheme</c> label (absent means <c>http</c>). A metadata fetch
/// follows the label per instance. A gRPC channel has one scheme for all its addresses (grpc-dotnet takes it from
/// the channel's credentials, not from each address), so an <c>introspect:///</c> channel is handed only the
/// instances whose scheme matches its own, and the rest are logged and reported in its resolution error.
/// </remarks>
public sealed class ProviderChannelOptions
{
    /// <summary>
    /// The scheme of <c>introspect:///</c> gRPC channels that set no credentials of their own: <c>http</c> (h2c,
    /// <c>ChannelCredentials.Insecure</c>) or <c>https</c> (<c>ChannelCredentials.SecureSsl</c>). A channel with
    /// credentials of its own keeps them and its scheme follows them. Default: <c>http</c>.
    /// </summary>
    public string Scheme { get; set; } = Uri.UriSchemeHttp;

    /// <summary>
    /// How providers' server certificates are checked and which client certificate is presented to them (mutual
    /// TLS), for metadata fetches and for the primary handler of <c>introspect:///</c> gRPC clients that did not
    /// set their own certificate validation. Default: the system store, no client certificate.
    /// </summary>
    public TlsClientOptions Tls { get; set; } = new();

    /// <summary>
    /// Where metadata fetches get their bearer token, for providers whose metadata endpoint requires
    /// authentication. Sent only over https: a fetch from an <c>http</c> instance goes without it (and says so in
    /// the log). Not added to the application's own calls, whose credentials are the application's choice. Code
    /// only; wins over <see cref="AccessToken"/>. Default: null.
    /// </summary>
    public IIntrospectionTokenSource? TokenSource { get; set; }

    /// <summary>A static API key or token for metadata fetches (see <see cref="TokenSource"/>). Never logged. Default: null.</summary>
    public string? AccessToken { get; set; }
}
