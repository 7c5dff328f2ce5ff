using System.Collections.Concurrent;
using Introspection.Client.Internal;

namespace Introspection.Client.Tests.Infrastructure;

/// <summary><see cref="ZeroRandom"/> that records what <see cref="Observed"/> reads wherever it is asked (backoffs run in the client's loops).</summary>
internal sealed class ContextRecordingRandom(Func<string?> observed) : IRandomSource
{
    public ConcurrentQueue<string?> Observed { get; } = new();

    public int Next(int maxExclusive)
    {
        Observed.Enqueue(observed());
        return 0;
    }

    public double NextDouble()
    {
        Observed.Enqueue(observed());
        return 0.5;
    }
}
