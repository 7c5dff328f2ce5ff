using System.Runtime.InteropServices;

namespace Introspection.Bench.Load;

/// <summary>The machine a result was measured on.</summary>
internal sealed class MachineInfo
{
    public int ProcessorCount { get; set; }

    public long MemoryBytes { get; set; }

    public string CpuModel { get; set; } = "";

    public string Os { get; set; } = "";

    public string Runtime { get; set; } = "";

    public static MachineInfo Current()
    {
        long memory = 0;
        var cpu = "";
        try
        {
            var mem = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            if (mem is not null)
            {
                memory = long.Parse(mem.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }

            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "";
        }
        catch (IOException)
        {
        }

        return new MachineInfo
        {
            ProcessorCount = Environment.ProcessorCount,
            MemoryBytes = memory,
            CpuModel = cpu,
            Os = RuntimeInformation.OSDescription,
            Runtime = RuntimeInformation.FrameworkDescription,
        };
    }
}
