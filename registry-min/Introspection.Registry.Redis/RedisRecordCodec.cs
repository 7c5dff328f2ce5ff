using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using StackExchange.Redis;

namespace Introspection.Registry.Stores.Redis;

/// <summary>
/// The byte forms the Lua scripts store and compare. An instance body is
/// <c>host\nport\nrevision\nlabels</c>, labels being JSON with ordinal-sorted keys: one canonical
/// string per label set, so the update script can tell "unchanged" by string equality. Names, hosts
/// and revisions never contain a newline (validated above the seam); label values are JSON-escaped.
/// </summary>
internal static class RedisRecordCodec
{
    public static string EncodeBody(InstanceRecord instance) =>
        string.Join('\n', instance.Host, instance.Port.ToString(CultureInfo.InvariantCulture), instance.Revision, EncodeLabels(instance.Labels));

    public static string EncodeLabels(IReadOnlyDictionary<string, string> labels)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in labels.OrderBy(static p => p.Key, StringComparer.Ordinal))
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Decodes a stored instance value <c>modrev\nlease\nbody</c>.</summary>
    public static InstanceRecord DecodeStored(string app, string instanceId, string value)
    {
        var modRevEnd = value.IndexOf('\n', StringComparison.Ordinal);
        var leaseEnd = value.IndexOf('\n', modRevEnd + 1);
        var modRevision = long.Parse(value.AsSpan(0, modRevEnd), NumberStyles.None, CultureInfo.InvariantCulture);
        return DecodeBody(app, instanceId, value.AsSpan(leaseEnd + 1), modRevision);
    }

    public static InstanceRecord DecodeBody(string app, string instanceId, ReadOnlySpan<char> body, long modRevision)
    {
        var host = NextPart(ref body);
        var port = int.Parse(NextPart(ref body), NumberStyles.None, CultureInfo.InvariantCulture);
        var revision = NextPart(ref body).ToString();
        return new InstanceRecord(app, instanceId, host.ToString(), port, revision, DecodeLabels(body), modRevision);
    }

    /// <summary>Decodes one feed entry <c>[id, [field, value, ...]]</c>.</summary>
    public static ChangeEvent DecodeEvent(RedisResult entry)
    {
        var parts = (RedisResult[])entry!;
        var id = (string)parts[0]!;
        var revision = long.Parse(id.AsSpan(0, id.IndexOf('-', StringComparison.Ordinal)), NumberStyles.None, CultureInfo.InvariantCulture);
        var fields = (RedisResult[])parts[1]!;
        string? ns = null, app = null, instanceId = null, body = null, service = null;
        long modRevision = 0;
        var kind = (ChangeKind)0;
        for (var i = 0; i + 1 < fields.Length; i += 2)
        {
            var value = (string)fields[i + 1]!;
            switch ((string)fields[i]!)
            {
                case "k": kind = (ChangeKind)int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture); break;
                case "n": ns = value; break;
                case "a": app = value; break;
                case "i": instanceId = value; break;
                case "m": modRevision = long.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture); break;
                case "b": body = value; break;
                case "s": service = value; break;
                default: break;
            }
        }

        if (ns is null || app is null)
        {
            throw new FormatException($"Feed entry {id} has no namespace or app.");
        }

        return kind switch
        {
            ChangeKind.Put or ChangeKind.Delete when instanceId is not null && body is not null =>
                new ChangeEvent(revision, kind, ns, DecodeBody(app, instanceId, body, modRevision), null),
            ChangeKind.MappingPut or ChangeKind.MappingDelete when service is not null =>
                new ChangeEvent(revision, kind, ns, null, new ServiceAppPair(service, app)),
            _ => throw new FormatException($"Feed entry {id} is malformed (kind {(int)kind})."),
        };
    }

    private static ReadOnlySpan<char> NextPart(ref ReadOnlySpan<char> rest)
    {
        var end = rest.IndexOf('\n');
        if (end < 0)
        {
            throw new FormatException("Stored instance body has too few fields.");
        }

        var part = rest[..end];
        rest = rest[(end + 1)..];
        return part;
    }

    private static IReadOnlyDictionary<string, string> DecodeLabels(ReadOnlySpan<char> json)
    {
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        using var document = JsonDocument.Parse(json.ToString());
        foreach (var property in document.RootElement.EnumerateObject())
        {
            labels[property.Name] = property.Value.GetString() ?? string.Empty;
        }

        return labels.AsReadOnly();
    }
}
