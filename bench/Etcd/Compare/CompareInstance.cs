using System.Globalization;
using Introspection.Protocol.Registry.V1;

namespace Introspection.Bench.Etcd.Compare;

/// <summary>The instance record both servers store in <c>etcd-compare</c>: the registry gets it as a Register, etcd as the value of its key.</summary>
internal static class CompareInstance
{
    public const string Namespace = "compare";
    public const string FanoutApp = "fanout";
    private static readonly string s_revision = new('a', 64);

    public static Instance Create(string app, string instanceId, int index) => new()
    {
        App = app,
        InstanceId = instanceId,
        // Never contacted: only stored. Loopback-range literals keep even a misuse on this machine.
        Host = $"127.{(index >> 16) & 255}.{(index >> 8) & 255}.{index & 255}",
        Port = 8080,
        Revision = s_revision,
        Labels = { ["zone"] = "zone-" + (index % 3).ToString(CultureInfo.InvariantCulture) },
    };

    public static string App(int index) => "app" + (index % 100).ToString("D3", CultureInfo.InvariantCulture);

    public static string InstanceId(int index) => "i" + index.ToString("D7", CultureInfo.InvariantCulture);

    public static string ChangeId(int change) => "c" + change.ToString("D7", CultureInfo.InvariantCulture);

    /// <summary>The change number of a fan-out instance id, or -1.</summary>
    public static int ChangeOf(string instanceId) =>
        instanceId.Length > 1 && instanceId[0] == 'c' && int.TryParse(instanceId.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
}
