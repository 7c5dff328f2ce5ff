using Grpc.Core;
using Grpc.Net.Client;
using Introspection.Protocol;
using Introspection.Protocol.Metadata.V1;
using Introspection.Registry.Dashboard.Models;
using Introspection.Registry.Stores;
using Microsoft.Extensions.Options;

namespace Introspection.Registry.Dashboard;

/// <summary>
/// Fetches one instance's metadata from its own metadata endpoint, server-side (the browser never dials
/// instances), over the scheme the instance registered in its <c>scheme</c> label, and checks that the content
/// hashes to the revision the instance registered. Only registered instances are dialled, never an address a
/// dashboard caller names.
/// </summary>
internal sealed class DashboardMetadataClient
{
    private readonly TimeSpan _timeout;

    public DashboardMetadataClient(IOptions<RegistryOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _timeout = options.Value.Dashboard.MetadataTimeout;
    }

    public async Task<DashboardMetadata> FetchAsync(InstanceRecord instance, CancellationToken cancellationToken)
    {
        var scheme = instance.Labels.TryGetValue(WireContract.SchemeLabel, out var label) && string.Equals(label, WireContract.SchemeHttps, StringComparison.Ordinal)
            ? WireContract.SchemeHttps
            : WireContract.SchemeHttp;
        var host = instance.Host.Contains(':', StringComparison.Ordinal) ? $"[{instance.Host}]" : instance.Host;
        using var handler = new SocketsHttpHandler { ConnectTimeout = _timeout, EnableMultipleHttp2Connections = false };
        using var channel = GrpcChannel.ForAddress($"{scheme}://{host}:{instance.Port}", new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = 4 * 1024 * 1024,
        });
        var client = new MetadataService.MetadataServiceClient(channel);
        var info = await client.GetMetadataInfoAsync(
            new GetMetadataInfoRequest { Revision = instance.Revision },
            deadline: DateTime.UtcNow + _timeout,
            cancellationToken: cancellationToken).ResponseAsync.ConfigureAwait(false);

        bool verified;
        try
        {
            verified = string.Equals(info.Revision, instance.Revision, StringComparison.Ordinal)
                && string.Equals(MetadataRevision.Compute(info), instance.Revision, StringComparison.Ordinal);
        }
        catch (ArgumentException)
        {
            // Content the revision algorithm rejects (an unpaired surrogate, a port out of range): shown, not trusted.
            verified = false;
        }

        var services = info.Services
            .OrderBy(s => s.Name, StringComparer.Ordinal)
            .ThenBy(s => s.Group, StringComparer.Ordinal)
            .ThenBy(s => s.Version, StringComparer.Ordinal)
            .Select(s => new DashboardService(
                s.Name,
                s.Group,
                s.Version,
                s.Protocol.Length == 0 ? MetadataRevision.DefaultProtocol : s.Protocol,
                [.. s.Methods.Order(StringComparer.Ordinal)],
                new SortedDictionary<string, string>(s.Params, StringComparer.Ordinal)))
            .ToList();
        return new DashboardMetadata(instance.App, instance.InstanceId, instance.Revision, verified, services);
    }

    /// <summary>Whether a failed fetch is the instance's fault (unreachable, refused, slow) rather than ours.</summary>
    public static bool IsInstanceFailure(Exception exception) => exception is RpcException or HttpRequestException or IOException;
}
