namespace Introspection.ServiceDiscovery.Tests.Infrastructure;

/// <summary>
/// The tests that run provider and gateway processes share two cores with everything else: one at a time, so a
/// timing they report (a new provider's first request) measures the system, not the other test's load.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ProcessTestsCollection
{
    public const string Name = "provider processes";
}
