using Introspection.Protocol.Metadata.V1;

namespace Introspection.Protocol.Tests.Revision;

/// <summary>
/// One entry of the <c>vectors</c> section of protocol/revision-vectors.json. <see cref="Build"/> decodes the input
/// (a raw string given only as UTF-8 bytes that are not valid UTF-8 throws there, as a strict decoder must);
/// <see cref="Reject"/> is set, and <see cref="Expected"/> null, for inputs that must be rejected.
/// </summary>
internal sealed record RevisionVector(string Name, string Description, Func<MetadataInfo> Build, string? Canonical, string? Expected, string? Reject)
{
    public MetadataInfo Input => Build();
}
