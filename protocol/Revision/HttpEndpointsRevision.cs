using Google.Protobuf.Collections;
using Introspection.Protocol.Metadata.V1;

namespace Introspection.Protocol;

/// <summary>
/// The HTTP section of the revision document (REVISION.md section 13): appended after the service blocks only
/// when the metadata lists HTTP endpoints, so every revision computed before the section existed is unchanged.
/// </summary>
internal static class HttpEndpointsRevision
{
    /// <summary>The section's tag, written first so a reader tells the section from the end of the document.</summary>
    public const string SectionTag = "http";

    public static void WriteSection(CanonicalWriter writer, RepeatedField<HttpEndpointInfo> endpoints)
    {
        if (endpoints.Count == 0)
        {
            return;
        }

        var blocks = new List<byte[]>(endpoints.Count);
        foreach (var endpoint in endpoints)
        {
            blocks.Add(EncodeEndpoint(endpoint));
        }

        // A set, like the services: ordered by canonical bytes, exact duplicates dropped.
        MetadataRevision.SortDistinct(blocks);
        writer.WriteString(SectionTag, "http section tag");
        writer.WriteUInt32((uint)blocks.Count);
        foreach (var block in blocks)
        {
            writer.WriteRaw(block);
        }
    }

    private static byte[] EncodeEndpoint(HttpEndpointInfo endpoint)
    {
        var writer = new CanonicalWriter();
        writer.WriteString(endpoint.Route, "HTTP route");
        var methods = new List<byte[]>(endpoint.Methods.Count);
        foreach (var method in endpoint.Methods)
        {
            methods.Add(CanonicalWriter.EncodeUtf8(method, $"a method of HTTP route '{endpoint.Route}'"));
        }

        MetadataRevision.SortDistinct(methods);
        writer.WriteUInt32((uint)methods.Count);
        foreach (var method in methods)
        {
            writer.WriteField(method);
        }

        return writer.ToArray();
    }
}
