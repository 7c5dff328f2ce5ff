using Introspection.Client.Internal;

namespace Introspection.Client.Tests.Infrastructure;

/// <summary>Deterministic randomness: Next always answers 0 (no shuffle moves), NextDouble 0.5.</summary>
internal sealed class ZeroRandom : IRandomSource
{
    public int Next(int maxExclusive) => 0;

    public double NextDouble() => 0.5;
}
