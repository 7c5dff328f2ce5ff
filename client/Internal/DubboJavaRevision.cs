using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Org.Apache.Dubbo.Metadata;

namespace Introspection.Client.Internal;

/// <summary>
/// Apache Dubbo 3.x's Java revision of a <see cref="MetadataInfoV2"/> (protocol/REVISION.md §10): lowercase hex MD5
/// of the app followed, per service in Java <c>TreeMap</c> order of the match key, by
/// <c>matchKey + port + path + TreeMap(params).toString()</c>. Used only to say whether a Dubbo provider's own
/// revision matches what it served: it cannot be the trust anchor (Java concatenates <c>null</c> as text and hashes
/// what its params filter kept, neither of which survives the V2 message), our revision is.
/// </summary>
internal static class DubboJavaRevision
{
    public static string Compute(MetadataInfoV2 info)
    {
        if (info.Services.Count == 0)
        {
            return "0";
        }

        // Java's String.compareTo is UTF-16 code-unit order, which is CompareOrdinal.
        var services = new SortedDictionary<string, ServiceInfoV2>(StringComparer.Ordinal);
        foreach (var service in info.Services.Values)
        {
            services[MatchKey(service)] = service;
        }

        var desc = new StringBuilder(info.App);
        foreach (var (matchKey, service) in services)
        {
            desc.Append(matchKey).Append(service.Port.ToString(CultureInfo.InvariantCulture)).Append(service.Path).Append('{');
            var first = true;
            foreach (var (key, value) in service.Params.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                desc.Append(first ? string.Empty : ", ").Append(key).Append('=').Append(value);
                first = false;
            }

            desc.Append('}');
        }

        // Java's getBytes(UTF_8) replaces a lone surrogate with '?'; so does this encoder (UTF8Encoding's default
        // replacement is U+FFFD, so replace explicitly to stay byte-compatible).
        var utf8 = new UTF8Encoding(false, false);
        return Convert.ToHexStringLower(MD5.HashData(utf8.GetBytes(ReplaceLoneSurrogates(desc.ToString()))));
    }

    public static string MatchKey(ServiceInfoV2 service)
    {
        var key = service.Group.Length == 0 ? service.Name : service.Group + "/" + service.Name;
        key = service.Version.Length == 0 ? key : key + ":" + service.Version;
        return service.Protocol.Length == 0 ? key : key + ":" + service.Protocol;
    }

    private static string ReplaceLoneSurrogates(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
            }
            else
            {
                builder.Append(char.IsSurrogate(c) ? '?' : c);
            }
        }

        return builder.ToString();
    }
}
