using System.CommandLine;

namespace Introspection.Bench.Infrastructure;

/// <summary>Parses and runs one of the load tools' commands the same way for both tools.</summary>
internal static class BenchCommandLine
{
    /// <summary>The exit code of a command line that does not parse (EX_USAGE), as the tools always returned.</summary>
    public const int UsageError = 64;

    /// <summary>
    /// Parses <paramref name="args"/> (without the command's own name) with <paramref name="command"/>
    /// and runs its action; <c>--help</c> writes the help to <paramref name="output"/>. Parse errors go to
    /// <paramref name="error"/>, every one of them, and nothing runs.
    /// </summary>
    public static async Task<int> InvokeAsync(Command command, IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var parse = command.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors)
            {
                await error.WriteLineAsync(e.Message).ConfigureAwait(false);
            }

            await error.WriteLineAsync($"'{command.Name} --help' lists the options.").ConfigureAwait(false);
            return UsageError;
        }

        var invocation = new InvocationConfiguration
        {
            Output = output,
            Error = error,
            // The caller owns Ctrl+C (the first one stops the run cleanly) and the exit codes of failures.
            ProcessTerminationTimeout = null,
            EnableDefaultExceptionHandler = false,
        };
        return await parse.InvokeAsync(invocation, ct).ConfigureAwait(false);
    }
}
