namespace Introspection.Wire;

/// <summary>One method's rate-limit state in <see cref="WireErrorLog"/>; guarded by locking the instance.</summary>
internal sealed class WireErrorWindow
{
    public long? LastLogged { get; set; }

    public long Suppressed { get; set; }
}
