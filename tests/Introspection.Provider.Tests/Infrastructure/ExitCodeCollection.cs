namespace Introspection.Provider.Tests.Infrastructure;

/// <summary>Tests that set the process-wide <see cref="Environment.ExitCode"/> run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ExitCodeCollection
{
    public const string Name = "ExitCode";
}
