using System.Globalization;

namespace Introspection.Bench.Infrastructure;

/// <summary>
/// Reads CPU time and memory of another process from Linux <c>/proc</c>, so that what we report is
/// what the kernel charged the registry process, not what a runtime counter inside it believes.
/// </summary>
internal static class ProcStats
{
    // USER_HZ is fixed at 100 by the Linux user-space ABI on every architecture .NET runs on.
    private const double ClockTicksPerSecond = 100.0;

    public static ProcessSample Read(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) is in parentheses and may contain spaces: split after the last ')'.
        var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // rest[0] is field 3 (state); utime is field 14, stime field 15.
        var utime = long.Parse(rest[11], CultureInfo.InvariantCulture);
        var stime = long.Parse(rest[12], CultureInfo.InvariantCulture);

        long rss = 0;
        long hwm = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = ParseKb(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                hwm = ParseKb(line);
            }
        }

        return new ProcessSample((utime + stime) / ClockTicksPerSecond, rss, hwm);
    }

    private static long ParseKb(string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return long.Parse(parts[1], CultureInfo.InvariantCulture) * 1024;
    }
}
