using System.Diagnostics;
using System.Globalization;

namespace Introspection.Testing;

/// <summary>
/// A process the tests started (a built app run with <c>dotnet app.dll</c>, or any executable), with its output
/// kept for diagnostics and Unix signals sent by its id. <see cref="DisposeAsync"/> always ends it: SIGCONT first
/// (a stopped process cannot act on SIGKILL's consequences for its children), then SIGKILL of its tree.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private const int MaxKeptLines = 4000;

    private readonly Process _process;
    private readonly Queue<string> _output = new();

    private ChildProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    /// <summary>Raised for every line the process writes (stdout and stderr), on a thread-pool thread.</summary>
    public event Action<string>? LineWritten;

    public string Name { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts <c>dotnet <paramref name="dll"/> <paramref name="args"/></c> from the dll's folder.</summary>
    public static ChildProcess StartDotnet(string name, string dll, IEnumerable<string> args, Action<string>? onLine = null) =>
        Start(name, DotnetHost(), [dll, .. args], Path.GetDirectoryName(dll), onLine);

    public static ChildProcess Start(string name, string fileName, IEnumerable<string> args, string? workingDirectory = null, Action<string>? onLine = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = info };
        var child = new ChildProcess(process, name);
        if (onLine is not null)
        {
            child.LineWritten += onLine;
        }

        process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"could not start {name}");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>The last lines the process wrote (at most a few thousand), for a failure message.</summary>
    public string OutputTail(int lines = 40)
    {
        lock (_output)
        {
            return string.Join(Environment.NewLine, _output.Skip(Math.Max(0, _output.Count - lines)));
        }
    }

    /// <summary>Sends a signal by name (<c>KILL</c>, <c>TERM</c>, <c>STOP</c>, <c>CONT</c>) with <c>kill(1)</c>.</summary>
    public async Task SignalAsync(string signal)
    {
        if (_process.HasExited)
        {
            return;
        }

        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, Pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("could not run kill");
        await kill.WaitForExitAsync().WaitAsync(TestTimeouts.Short).ConfigureAwait(false);
    }

    /// <summary>SIGKILL and wait until the process is gone (a crash: no shutdown code runs).</summary>
    public async Task KillAsync()
    {
        await SignalAsync("KILL").ConfigureAwait(false);
        await WaitForExitAsync(TestTimeouts.Stop).ConfigureAwait(false);
    }

    /// <summary>Waits for the process to exit; false when it is still running after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                await SignalAsync("CONT").ConfigureAwait(false);
                _process.Kill(entireProcessTree: true);
                await WaitForExitAsync(TestTimeouts.Stop).ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }

        _process.Dispose();
    }

    /// <summary>The dotnet muxer: DOTNET_HOST_PATH (set by dotnet test), else the one running us, else PATH.</summary>
    public static string DotnetHost()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }

        var self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }

    /// <summary>
    /// The built output of another project of the repository, in the configuration and framework the tests were
    /// built with (a test project references it with <c>ReferenceOutputAssembly="false"</c> so it is built first).
    /// </summary>
    public static string LocateBuiltApp(string projectFolder, string dllName)
    {
        // tests/<project>/bin/<Configuration>/<tfm>/ → <projectFolder>/bin/<Configuration>/<tfm>/
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tfm = output.Name;
        var configuration = output.Parent!.Name;
        var root = output;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Introspection.sln")))
        {
            root = root.Parent;
        }

        var path = Path.Combine(root?.FullName ?? throw new InvalidOperationException("repository root not found"), projectFolder, "bin", configuration, tfm, dllName);
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build {projectFolder} first (the test project references it).", path);
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Enqueue(line);
            if (_output.Count > MaxKeptLines)
            {
                _output.Dequeue();
            }
        }

        LineWritten?.Invoke(line);
    }
}
