using Introspection.Protocol.Metadata.V1;
using Introspection.Protocol.Registry.V1;

namespace Introspection.Client.Internal;

/// <summary>Asks one instance for the metadata of one revision (the seam unit tests replace).</summary>
internal interface IMetadataFetcher
{
    Task<MetadataInfo> FetchAsync(Instance instance, string revision, CancellationToken cancellationToken);
}
