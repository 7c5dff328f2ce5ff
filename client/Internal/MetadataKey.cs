namespace Introspection.Client.Internal;

/// <summary>Metadata is content-addressed by revision, but a revision is only meaningful within its app.</summary>
internal readonly record struct MetadataKey(string App, string Revision);
