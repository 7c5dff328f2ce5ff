using Introspection.Protocol.Metadata.V1;

namespace Introspection.Client.Internal;

/// <summary>
/// One answer of MetadataServiceV2, converted: the metadata (carrying the registered revision, which the cache
/// verifies), the Dubbo revision that was asked, and what <see cref="DubboMetadataFetcher.DubboRevisionCheck"/> said.
/// </summary>
internal sealed record DubboMetadataRead(MetadataInfo Info, string DubboRevision, string DubboRevisionCheck);
