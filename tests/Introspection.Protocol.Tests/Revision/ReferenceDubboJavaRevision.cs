using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Introspection.Protocol.Tests.Revision;

/// <summary>
/// Apache Dubbo 3.x's Java revision, written from its source (REVISION.md §10): MD5, lowercase hex, of
/// <c>app</c> followed, for each service in <c>TreeMap</c> order of the match key, by
/// <c>matchKey + port + path + new TreeMap&lt;&gt;(params).toString()</c>. Java's String order is UTF-16 code-unit
/// order, which is <see cref="string.CompareOrdinal(string, string)"/>.
/// </summary>
internal static class ReferenceDubboJavaRevision
{
    public static string Desc(JsonElement input)
    {
        var services = new SortedDictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var service in input.GetProperty("services").EnumerateArray())
        {
            services[MatchKey(service)] = service;
        }

        var desc = new StringBuilder(input.GetProperty("app").GetString());
        foreach (var (matchKey, service) in services)
        {
            var parameters = service.GetProperty("params").EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal)
                .Select(p => p.Name + "=" + p.Value.GetString());
            desc.Append(matchKey)
                .Append(service.GetProperty("port").GetInt32().ToString(CultureInfo.InvariantCulture))
                .Append(service.GetProperty("path").GetString())
                .Append('{').Append(string.Join(", ", parameters)).Append('}');
        }

        return desc.ToString();
    }

    public static string Revision(JsonElement input) => input.GetProperty("services").GetArrayLength() == 0
        ? "0"
        : Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(Desc(input))));

    private static string MatchKey(JsonElement service)
    {
        var group = service.GetProperty("group").GetString()!;
        var version = service.GetProperty("version").GetString()!;
        var protocol = service.GetProperty("protocol").GetString()!;
        var key = (group.Length > 0 ? group + "/" : string.Empty) + service.GetProperty("name").GetString();
        key += version.Length > 0 ? ":" + version : string.Empty;
        return key + (protocol.Length > 0 ? ":" + protocol : string.Empty);
    }
}
