using System.Text.Json.Serialization;

namespace Introspection.Client.Internal;

/// <summary>Source-generated serialization of the snapshot file (no reflection, trimming-safe).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ViewSnapshot))]
internal sealed partial class ViewSnapshotJsonContext : JsonSerializerContext
{
}
