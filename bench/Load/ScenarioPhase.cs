namespace Introspection.Bench.Load;

/// <summary>One step of <see cref="PhaseScript"/>: its name in the results and what it does to the fleet.</summary>
/// <param name="Name">The phase's name in the results (<c>subscribe</c>, <c>register</c>, ...).</param>
/// <param name="RunAsync">Issues the phase's writes; the phase ends once every consumer has converged on them.</param>
internal readonly record struct ScenarioPhase(string Name, Func<CancellationToken, Task> RunAsync);
