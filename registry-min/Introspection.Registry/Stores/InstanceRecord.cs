namespace Introspection.Registry.Stores;

/// <summary>One stored instance. Immutable; labels are never mutated after construction.</summary>
/// <param name="App">Application name.</param>
/// <param name="InstanceId">Unique within (namespace, app).</param>
/// <param name="Host">IP literal or DNS name.</param>
/// <param name="Port">1..65535.</param>
/// <param name="Revision">Metadata revision.</param>
/// <param name="Labels">Small labels; an ordinal-sorted copy owned by the record.</param>
/// <param name="ModRevision">Registry revision of the change that last wrote the record (0 on input).</param>
public sealed record InstanceRecord(
    string App,
    string InstanceId,
    string Host,
    int Port,
    string Revision,
    IReadOnlyDictionary<string, string> Labels,
    long ModRevision = 0);
