using Introspection.Client.Internal;
using Introspection.Client.View;
using Introspection.Protocol.Metadata.V1;

namespace Introspection.Client.Tests.Infrastructure;

/// <summary>The view's metadata seam as a table: known revisions answer, unknown ones report <see cref="Missing"/>.</summary>
internal sealed class FakeMetadataLookup : IMetadataLookup
{
    private readonly Dictionary<MetadataKey, MetadataInfo> _known = [];

    /// <summary>How an unknown revision stands (a fetch running, or failing).</summary>
    public MetadataFetchState Missing { get; set; } = MetadataFetchState.Fetching;

    public List<MetadataKey> Asked { get; } = [];

    public void Add(MetadataInfo info) => _known[new MetadataKey(info.App, info.Revision)] = info;

    public MetadataInfo? GetOrFetch(MetadataKey key, out MetadataFetchState state)
    {
        Asked.Add(key);
        if (_known.TryGetValue(key, out var info))
        {
            state = MetadataFetchState.Available;
            return info;
        }

        state = Missing;
        return null;
    }
}
