using Introspection.Client.Internal;
using Introspection.Protocol.Metadata.V1;

namespace Introspection.Client.View;

/// <summary>
/// The view's only way to metadata. The view asks, never waits: the implementation (the metadata cache) may
/// start a fetch in the background and reports how it stands, which keeps the view free of I/O.
/// </summary>
internal interface IMetadataLookup
{
    /// <summary>Returns the metadata of <paramref name="key"/> when known; otherwise how obtaining it stands.</summary>
    MetadataInfo? GetOrFetch(MetadataKey key, out MetadataFetchState state);
}
