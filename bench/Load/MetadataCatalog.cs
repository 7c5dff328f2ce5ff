using System.Collections.Concurrent;
using Introspection.Protocol.Metadata.V1;

namespace Introspection.Bench.Load;

/// <summary>What the metadata endpoints serve, and how much they served.</summary>
internal sealed class MetadataCatalog
{
    public long Served;
    public long ServedBytes;

    public ConcurrentDictionary<string, MetadataInfo> Revisions { get; } = new(StringComparer.Ordinal);

    public void Add(MetadataInfo info) => Revisions[info.Revision] = info;
}
