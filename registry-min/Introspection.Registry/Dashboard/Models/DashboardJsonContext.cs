using System.Text.Json.Serialization;

namespace Introspection.Registry.Dashboard.Models;

/// <summary>Source-generated JSON for the dashboard API (camelCase, as the page expects).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(DashboardState))]
[JsonSerializable(typeof(DashboardNamespaces))]
[JsonSerializable(typeof(DashboardMetadata))]
[JsonSerializable(typeof(DashboardRegistryState))]
[JsonSerializable(typeof(DashboardError))]
[JsonSerializable(typeof(long))]
internal sealed partial class DashboardJsonContext : JsonSerializerContext;
