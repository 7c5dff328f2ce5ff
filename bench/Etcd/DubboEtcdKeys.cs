using System.Globalization;
using System.Text;
using Google.Protobuf;

namespace Introspection.Bench.Etcd;

/// <summary>
/// The keys a Dubbo 2 provider writes to etcd: <c>/dubbo/&lt;service&gt;/providers/&lt;url-encoded provider URL&gt;</c>,
/// one per (instance × service), the URL carrying every parameter (the full model's labels, sorted, as
/// Dubbo 2 writes them). The value is the provider's lease id in decimal text, which is what Dubbo 2's
/// jetcd wrapper puts there: all that a consumer reads is in the key. Consumers watch the service's
/// <c>providers/</c> prefix.
/// </summary>
internal static class DubboEtcdKeys
{
    public const string Root = "/dubbo/";

    /// <summary>The prefix a consumer of <paramref name="service"/> watches.</summary>
    public static string ProvidersPrefix(string service) => Root + service + "/providers/";

    /// <summary>The provider URL Dubbo 2 registers: <c>grpc://host:port/service?k=v&amp;...</c>, parameters sorted by name.</summary>
    public static string ProviderUrl(string service, string host, int port, IReadOnlyDictionary<string, string> parameters)
    {
        var sb = new StringBuilder();
        sb.Append("grpc://").Append(host).Append(':').Append(port.ToString(CultureInfo.InvariantCulture)).Append('/').Append(service);
        var separator = '?';
        foreach (var (key, value) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            sb.Append(separator).Append(key).Append('=').Append(value);
            separator = '&';
        }

        return sb.ToString();
    }

    /// <summary>The key of one (instance × service) entry.</summary>
    public static string ProviderKey(string service, string providerUrl) => ProvidersPrefix(service) + Uri.EscapeDataString(providerUrl);

    /// <summary>The end of the range of every key starting with <paramref name="prefix"/> (etcd's "prefix + 1").</summary>
    public static ByteString RangeEnd(string prefix)
    {
        var bytes = Encoding.UTF8.GetBytes(prefix);
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            if (bytes[i] < 0xff)
            {
                bytes[i]++;
                return ByteString.CopyFrom(bytes, 0, i + 1);
            }
        }

        // Only 0xff bytes: every key from the prefix on.
        return ByteString.CopyFrom(0);
    }

    /// <summary>The service a key belongs to (the path segment after <see cref="Root"/>).</summary>
    public static string ServiceOf(string key)
    {
        var end = key.IndexOf('/', Root.Length);
        return end < 0 ? key[Root.Length..] : key[Root.Length..end];
    }
}
