namespace Introspection.Provider.Internal;

/// <summary>Exponential backoff with jitter: many instances losing one registry must not reconnect in lockstep.</summary>
internal static class Backoff
{
    public static readonly TimeSpan Initial = TimeSpan.FromMilliseconds(100);

    /// <summary>Delay before attempt <paramref name="attempt"/> (1-based): between half and all of min(initial * 2^(attempt-1), cap).</summary>
    public static TimeSpan Delay(int attempt, TimeSpan cap)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 20);
        var ceiling = Math.Min(Initial.TotalMilliseconds * Math.Pow(2, exponent), Math.Max(cap.TotalMilliseconds, 1));
        var jittered = (ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2);
        return TimeSpan.FromMilliseconds(jittered);
    }
}
