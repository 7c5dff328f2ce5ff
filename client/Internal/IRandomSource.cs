namespace Introspection.Client.Internal;

/// <summary>Randomness seam: tests pin which instance is picked and how much jitter a backoff gets.</summary>
internal interface IRandomSource
{
    /// <summary>Returns a value in [0, <paramref name="maxExclusive"/>).</summary>
    int Next(int maxExclusive);

    /// <summary>Returns a value in [0, 1).</summary>
    double NextDouble();
}
