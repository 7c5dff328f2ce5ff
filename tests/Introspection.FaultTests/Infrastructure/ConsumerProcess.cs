using System.Globalization;
using System.Text.RegularExpressions;

namespace Introspection.FaultTests.Infrastructure;

/// <summary>
/// The sample consumer (samples/Greeter.Consumer) as its own process, calling <c>introspect:///greet.Greeter</c> in a
/// loop (default client options: round_robin + the UNAVAILABLE retry policy). Its output is parsed as it comes:
/// <c>#N greeter/id message</c> for an answer, <c>#N FAILED code: detail</c> for a failed call. <see cref="StopAsync"/>
/// ends it with SIGTERM and reads its own summary (<c>failed calls: N</c>).
/// </summary>
public sealed partial class ConsumerProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private readonly string _snapshotPath;
    private bool _ownsSnapshot;
    private readonly List<Call> _calls = [];
    private int? _reportedFailures;

    private ConsumerProcess(string registries, string snapshotPath, TimeSpan interval, string[] settings)
    {
        _snapshotPath = snapshotPath;
        string[] args =
        [
            "--duration", "00:10:00",
            "--interval", interval.ToString("c", CultureInfo.InvariantCulture),
            $"--Introspection:Client:Registries:0={registries}",
            $"--Introspection:Client:SnapshotPath={snapshotPath}",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Introspection=Warning",
            .. settings,
        ];
        _process = ChildProcess.StartDotnet("consumer", ChildProcess.LocateBuiltApp(Path.Combine("samples", "Greeter.Consumer"), "Greeter.Consumer.dll"), args, OnLine);
    }

    public ChildProcess Process => _process;

    /// <summary>The consumer's disk snapshot of its view (deleted when the consumer that chose it is disposed).</summary>
    public string SnapshotPath => _snapshotPath;

    /// <summary>Calls so far, in order.</summary>
    public IReadOnlyList<Call> Calls
    {
        get
        {
            lock (_calls)
            {
                return [.. _calls];
            }
        }
    }

    public int Failures => Calls.Count(c => c.Failed);

    /// <summary>
    /// Starts a consumer of the registry <paramref name="registries"/> with its own snapshot file (so tests never read
    /// each other's view) and waits until every one of <paramref name="expectedInstances"/> has answered it.
    /// </summary>
    public static async Task<ConsumerProcess> StartAsync(string registries, IReadOnlyCollection<string> expectedInstances, TimeSpan? interval = null, params string[] settings)
    {
        var consumer = await StartAsync(registries, expectedInstances, NewSnapshotPath(), interval, settings);
        consumer._ownsSnapshot = true;
        return consumer;
    }

    /// <summary>Starts a consumer that reads and writes the view snapshot <paramref name="snapshotPath"/> (a restarted consumer: the path of an earlier one).</summary>
    public static async Task<ConsumerProcess> StartAsync(string registries, IReadOnlyCollection<string> expectedInstances, string snapshotPath, TimeSpan? interval = null, params string[] settings)
    {
        var consumer = new ConsumerProcess(registries, snapshotPath, interval ?? TimeSpan.FromMilliseconds(50), settings);
        try
        {
            await Poll.UntilAsync(
                () => consumer._process.HasExited ? throw new InvalidOperationException($"the consumer exited: {consumer._process.OutputTail()}") : expectedInstances.All(i => consumer.Calls.Any(c => c.Instance == i)),
                TestTimeouts.Long,
                $"every provider ({string.Join(", ", expectedInstances)}) answered the consumer");
        }
        catch (TimeoutException ex)
        {
            var detail = $"{ex.Message} Calls: {consumer.Calls.Count}, failed: {consumer.Failures}. Output:{Environment.NewLine}{consumer._process.OutputTail()}";
            await consumer.DisposeAsync();
            throw new TimeoutException(detail, ex);
        }
        catch
        {
            await consumer.DisposeAsync();
            throw;
        }

        return consumer;
    }

    /// <summary>Waits until <paramref name="count"/> more calls succeeded after the <paramref name="after"/>-th call (optionally on one instance).</summary>
    public Task WaitForSuccessesAsync(int after, int count, string? instance = null, TimeSpan? timeout = null) =>
        Poll.UntilAsync(
            () => Calls.Skip(after).Count(c => !c.Failed && (instance is null || c.Instance == instance)) >= count,
            timeout ?? TestTimeouts.Long,
            $"{count} successful calls{(instance is null ? "" : " on " + instance)} after call #{after}");

    private static string NewSnapshotPath() => Path.Combine(Path.GetTempPath(), "introspection-faults", Guid.NewGuid().ToString("n") + ".view.json");

    /// <summary>SIGTERM, wait for the exit and answer the consumer's own failed-call count.</summary>
    public async Task<int> StopAsync()
    {
        await _process.SignalAsync("TERM");
        if (!await _process.WaitForExitAsync(TestTimeouts.Stop))
        {
            throw new TimeoutException($"the consumer did not stop on SIGTERM: {_process.OutputTail()}");
        }

        await Poll.UntilAsync(() => _reportedFailures is not null, TestTimeouts.Short, "the consumer printed its summary");
        return _reportedFailures!.Value;
    }

    /// <summary>The failed calls, one line each, for an assertion message.</summary>
    public string DescribeFailures() => string.Join(Environment.NewLine, Calls.Where(c => c.Failed).Select(c => $"#{c.Number} at {c.At:HH:mm:ss.fff}: {c.Detail}"));

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        if (!_ownsSnapshot)
        {
            return; // a restarted consumer's snapshot belongs to the consumer that created it
        }

        foreach (var file in new[] { _snapshotPath, _snapshotPath + ".tmp" })
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
            }
        }
    }

    private void OnLine(string line)
    {
        var match = CallLine().Match(line);
        if (match.Success)
        {
            var number = int.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture);
            var failed = match.Groups["who"].Value == "FAILED";
            lock (_calls)
            {
                _calls.Add(new Call(number, DateTime.UtcNow, failed, failed ? null : match.Groups["who"].Value, match.Groups["rest"].Value));
            }

            return;
        }

        var summary = SummaryLine().Match(line);
        if (summary.Success)
        {
            _reportedFailures = int.Parse(summary.Groups["n"].Value, CultureInfo.InvariantCulture);
        }
    }

    [GeneratedRegex(@"^#(?<n>\d+)\s+(?<who>\S+)\s*(?<rest>.*)$")]
    private static partial Regex CallLine();

    [GeneratedRegex(@"^failed calls: (?<n>\d+)")]
    private static partial Regex SummaryLine();

    /// <summary>One call of the consumer, as it printed it (the time is when the line reached the test).</summary>
    public sealed record Call(int Number, DateTime At, bool Failed, string? Instance, string Detail);
}
