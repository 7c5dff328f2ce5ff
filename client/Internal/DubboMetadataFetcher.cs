using Grpc.Core;
using Grpc.Net.Client;
using Introspection.Protocol.Metadata.V1;
using Introspection.Protocol.Registry.V1;
using Microsoft.Extensions.Logging;
using Org.Apache.Dubbo.Metadata;

namespace Introspection.Client.Internal;

/// <summary>
/// Reads an instance's metadata through Apache Dubbo 3.3's <c>org.apache.dubbo.metadata.MetadataServiceV2/GetMetadataInfo</c>
/// (for a provider that serves only that) and converts it to our model. Same channel habits as
/// <see cref="GrpcMetadataFetcher"/>: a channel per call over one shared handler, fetches being rare.
/// </summary>
/// <remarks>
/// Which revision is asked: the instance's <c>dubbo.metadata.revision</c> label when it has one (a Dubbo Java
/// provider's own revision, an MD5 over Java strings that no other language reproduces), else the registered
/// revision. The answer must echo it in <c>MetadataInfoV2.version</c>; beyond that echo, the Dubbo revision is an
/// opaque key. What makes the answer trustworthy is our own check: the converted metadata carries the registered
/// revision (our registry accepts only introspection-v1 revisions) and the metadata cache verifies, as for any
/// answer, that it hashes to it. So a Dubbo provider can be read when whoever registered it in our registry
/// computed our revision over the same content (protocol/REVISION.md, section 10).
/// </remarks>
internal sealed class DubboMetadataFetcher : IDisposable
{
    /// <summary>Dubbo's instance label with the revision to ask MetadataServiceV2 for.</summary>
    public const string RevisionLabel = "dubbo.metadata.revision";

    /// <summary>Dubbo's instance label with the metadata service version; 2.0.0 means MetadataServiceV2.</summary>
    public const string MetadataVersionLabel = "meta-v";

    /// <summary>The version of MetadataServiceV2, sent in <c>tri-service-version</c> as Dubbo's consumer does.</summary>
    public const string ServiceVersion = "2.0.0";

    private readonly SocketsHttpHandler _handler;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _timeout;
    private readonly bool _unlabeledIsHttps;

    public DubboMetadataFetcher(TimeSpan timeout, bool unlabeledIsHttps, TimeProvider timeProvider, ILoggerFactory loggerFactory, ProviderChannelOptions? channel = null)
    {
        channel ??= new ProviderChannelOptions();
        _timeout = timeout;
        _timeProvider = timeProvider;
        _unlabeledIsHttps = unlabeledIsHttps;
        _loggerFactory = loggerFactory;
        // The same handler habits, trust and client certificate as introspection's own metadata fetches.
        _handler = InstanceChannelHandler.Create(timeout, channel, loggerFactory.CreateLogger<DubboMetadataFetcher>());
    }

    /// <summary>True when the labels say the instance is a Dubbo provider whose own revision differs from the registered one (so it has no introspection MetadataService to ask).</summary>
    public static bool LabelsSayDubbo(Instance instance, string revision) =>
        instance.Labels.TryGetValue(MetadataVersionLabel, out var version) && version == ServiceVersion
        && instance.Labels.TryGetValue(RevisionLabel, out var dubboRevision) && dubboRevision.Length > 0
        && !string.Equals(dubboRevision, revision, StringComparison.Ordinal);

    /// <summary>The revision to send to MetadataServiceV2.</summary>
    public static string DubboRevision(Instance instance, string revision) =>
        instance.Labels.TryGetValue(RevisionLabel, out var dubboRevision) && dubboRevision.Length > 0 ? dubboRevision : revision;

    public async Task<DubboMetadataRead> FetchAsync(Instance instance, string revision, CancellationToken cancellationToken)
    {
        // The instance's 'scheme' label decides, as for introspection's MetadataService. No bearer token is sent:
        // a Dubbo provider authenticates its callers its own way.
        var scheme = InstanceChannelHandler.SchemeOf(instance, _unlabeledIsHttps);

        var address = new UriBuilder(scheme, instance.Host, instance.Port).Uri;
        using var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = _handler,
            DisposeHttpClient = false,
            LoggerFactory = _loggerFactory,
        });
        var client = new MetadataServiceV2.MetadataServiceV2Client(channel);
        var dubboRevision = DubboRevision(instance, revision);
        // The headers a Dubbo 3.3 consumer sends: a Dubbo provider routes the call by them (group = app).
        var headers = new Metadata
        {
            { "tri-service-group", instance.App },
            { "tri-service-version", ServiceVersion },
        };
        var answer = await client.GetMetadataInfoAsync(
            new MetadataRequest { Revision = dubboRevision },
            headers,
            deadline: _timeProvider.GetUtcNow().UtcDateTime + _timeout,
            cancellationToken: cancellationToken).ResponseAsync.ConfigureAwait(false);

        if (answer.Version.Length == 0 && answer.App.Length == 0 && answer.Services.Count == 0)
        {
            // Some Dubbo versions answer an empty MetadataInfoV2 for a revision they do not know: a miss, not metadata.
            throw new RpcException(new Status(StatusCode.NotFound, $"MetadataServiceV2 answered empty metadata for revision {dubboRevision} (a miss)."));
        }

        if (!string.Equals(answer.Version, dubboRevision, StringComparison.Ordinal))
        {
            throw new RpcException(new Status(StatusCode.DataLoss, $"MetadataServiceV2 answered version '{answer.Version}' for revision {dubboRevision}."));
        }

        return new DubboMetadataRead(DubboMetadataConversion.ToMetadataInfo(answer, instance, revision), dubboRevision, DubboRevisionCheck(answer, dubboRevision));
    }

    /// <summary>
    /// Whether the Dubbo revision is Dubbo Java's MD5 of what was served: "match", "mismatch", or "ours" when it is
    /// one of our revisions (then the cache's check is the whole story). Informational only: the registered revision,
    /// verified by the cache, decides what is cached.
    /// </summary>
    internal static string DubboRevisionCheck(MetadataInfoV2 answer, string dubboRevision)
    {
        if (Protocol.MetadataRevision.IsWellFormed(dubboRevision))
        {
            return "ours";
        }

        return string.Equals(DubboJavaRevision.Compute(answer), dubboRevision, StringComparison.OrdinalIgnoreCase) ? "dubbo-md5-match" : "dubbo-md5-mismatch";
    }

    public void Dispose() => _handler.Dispose();
}
