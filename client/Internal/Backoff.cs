namespace Introspection.Client.Internal;

/// <summary>
/// Exponential backoff with "equal jitter": half the delay is fixed, half random, so many clients that lost
/// the same registry at the same moment do not come back in lockstep.
/// </summary>
internal sealed class Backoff
{
    private readonly TimeSpan _initial;
    private readonly TimeSpan _max;
    private readonly IRandomSource _random;
    private TimeSpan _current;

    public Backoff(TimeSpan initial, TimeSpan max, IRandomSource random)
    {
        _initial = initial;
        _max = max < initial ? initial : max;
        _random = random;
        _current = initial;
    }

    public TimeSpan Next()
    {
        var current = _current;
        var doubled = current.Ticks > _max.Ticks / 2 ? _max : current * 2;
        _current = doubled;
        var half = current / 2;
        return half + (half * _random.NextDouble());
    }

    public void Reset() => _current = _initial;
}
