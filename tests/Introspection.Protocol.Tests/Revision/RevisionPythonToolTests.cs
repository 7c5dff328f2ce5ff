using System.Diagnostics;

namespace Introspection.Protocol.Tests.Revision;

/// <summary>
/// Runs the independent Python reference (protocol/tools/revision_vectors.py) over the vectors file: it must be up
/// to date (--check) and every section, rejection vectors included, must hold when read back as another
/// implementation would (--verify). python3 is part of the build environment (.ci/pack uses it; test.sh installs it).
/// </summary>
public sealed class RevisionPythonToolTests
{
    [Fact]
    public async Task PythonTool_Check_VectorsFileIsWhatTheReferenceGenerates()
    {
        var (exitCode, output) = await RunAsync("--check");

        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public async Task PythonTool_Verify_EverySectionHoldsIncludingRejections()
    {
        var (exitCode, output) = await RunAsync("--verify");

        Assert.True(exitCode == 0, output);
        Assert.Contains("verified", output, StringComparison.Ordinal);
        Assert.DoesNotContain("FAIL", output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string argument)
    {
        var script = FindRepositoryFile("protocol/tools/revision_vectors.py");
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 could not be started: install it (test.sh does).");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    private static string FindRepositoryFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }
}
