namespace Introspection.Client.Sources;

/// <summary>
/// The last good endpoints (empty only when the source said so and empty protection is off, or it never answered) and,
/// when the latest lookup failed, why.
/// </summary>
internal sealed record ExternalAnswer(IReadOnlyList<InstanceEndpoint> Endpoints, string? Failure);
