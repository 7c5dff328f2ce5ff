namespace Introspection.Client.Sources;

/// <summary>
/// The endpoints of a service that comes from outside the registry (DNS): written by its source's loop, read by the
/// view when it computes the service's targets. Replaced whole, never mutated, so the view reads it without a lock.
/// </summary>
internal sealed class ExternalEndpoints(string description)
{
    /// <summary>Where the endpoints come from, for error details and logs: <c>DNS name greeter.svc (port 5001)</c>.</summary>
    public string Description { get; } = description;

    /// <summary>Null until the source's first lookup finished (answered or failed).</summary>
    public ExternalAnswer? Current
    {
        get => Volatile.Read(ref _current);
        set => Volatile.Write(ref _current, value);
    }

    private ExternalAnswer? _current;
}
