using System.Collections.Concurrent;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Introspection.Wire;

/// <summary>
/// Logs malformed requests at most once per <see cref="Interval"/> per method, with the number left
/// out since the last line and no stack trace: a malformed message is the caller's fault, and one
/// log line (with a stack trace, as grpc-dotnet would write) per bad request lets any client fill
/// the disk. The method names come from mapped endpoints only, so the table stays small.
/// </summary>
internal sealed partial class WireErrorLog(ILogger<WireErrorLog> logger, TimeProvider timeProvider)
{
    /// <summary>The shortest gap between two lines for one method.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, WireErrorWindow> _windows = new(StringComparer.Ordinal);

    public void Report(string method, RpcException failure)
    {
        if (!logger.IsEnabled(LogLevel.Warning))
        {
            return;
        }

        var window = _windows.GetOrAdd(method, static _ => new WireErrorWindow());
        long suppressed;
        lock (window)
        {
            var now = timeProvider.GetTimestamp();
            if (window.LastLogged is { } last && timeProvider.GetElapsedTime(last, now) < Interval)
            {
                window.Suppressed++;
                return;
            }

            window.LastLogged = now;
            suppressed = window.Suppressed;
            window.Suppressed = 0;
        }

        Log.MalformedRequest(logger, method, failure.StatusCode, failure.Status.Detail, suppressed, (int)Interval.TotalSeconds);
    }
}
