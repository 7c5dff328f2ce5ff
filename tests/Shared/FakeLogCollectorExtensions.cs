using Microsoft.Extensions.Logging.Testing;

namespace Introspection.Testing;

public static class FakeLogCollectorExtensions
{
    /// <summary>The records of the Introspection.* categories, in the order they were written (hosting and Kestrel left out).</summary>
    public static IReadOnlyList<FakeLogRecord> IntrospectionRecords(this FakeLogCollector collector) =>
        collector.GetSnapshot().Where(r => r.Category?.StartsWith("Introspection", StringComparison.Ordinal) == true).ToList();
}
