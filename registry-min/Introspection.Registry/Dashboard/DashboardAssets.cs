using System.Collections.Frozen;

namespace Introspection.Registry.Dashboard;

/// <summary>
/// The dashboard's page, stylesheet and script, embedded in the registry assembly: they ship with the registry,
/// need no build step and nothing from the internet. Read once; only these names are served.
/// </summary>
internal static class DashboardAssets
{
    private const string ResourcePrefix = "Introspection.Registry.Dashboard.Assets.";

    private static readonly FrozenDictionary<string, (byte[] Content, string ContentType)> s_assets = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal)
    {
        ["index.html"] = (Read("index.html"), "text/html; charset=utf-8"),
        ["dashboard.css"] = (Read("dashboard.css"), "text/css; charset=utf-8"),
        ["dashboard.js"] = (Read("dashboard.js"), "text/javascript; charset=utf-8"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static bool TryGet(string name, out byte[] content, out string contentType)
    {
        if (s_assets.TryGetValue(name, out var asset))
        {
            (content, contentType) = asset;
            return true;
        }

        content = [];
        contentType = string.Empty;
        return false;
    }

    private static byte[] Read(string name)
    {
        using var stream = typeof(DashboardAssets).Assembly.GetManifestResourceStream(ResourcePrefix + name)
            ?? throw new InvalidOperationException($"The dashboard asset {name} is not embedded in the registry assembly.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
