using Introspection.Protocol.Metadata.V1;

namespace Introspection.Protocol.Tests.Revision;

/// <summary>One entry of protocol/revision-vectors.json.</summary>
internal sealed record RevisionVector(string Name, string Description, MetadataInfo Input, string? Canonical, string Expected);
