namespace Introspection.Client.Internal;

/// <summary>The production <see cref="IRandomSource"/>: <see cref="Random.Shared"/>, which is thread-safe.</summary>
internal sealed class SharedRandomSource : IRandomSource
{
    public static SharedRandomSource Instance { get; } = new();

    public int Next(int maxExclusive) => Random.Shared.Next(maxExclusive);

    public double NextDouble() => Random.Shared.NextDouble();
}
