using System.Text.Json;
using Introspection.Protocol.Metadata.V1;

namespace Introspection.Protocol.Tests.Revision;

/// <summary>
/// The sections of protocol/revision-vectors.json beyond the accepted vectors: inputs that must be rejected,
/// revision well-formedness, protobuf wire bytes (duplicate map keys), and Dubbo's Java revision (REVISION.md §10).
/// </summary>
public sealed class RevisionRejectionVectorTests
{
    public static TheoryData<string> RejectNames => RevisionVectors.RejectNames();

    public static TheoryData<int> WellFormedCases => Indexes("well_formed");

    public static TheoryData<int> WireCases => Indexes("wire");

    public static TheoryData<int> DubboJavaCases => Indexes("dubbo_java");

    [Theory]
    [MemberData(nameof(RejectNames))]
    public void Compute_RejectVector_Throws(string name)
    {
        var vector = RevisionVectors.Get(name);

        // Either the strict decoding of a bytes-only string (DecoderFallbackException is an ArgumentException) or the
        // algorithm itself rejects; nothing is hashed.
        Assert.ThrowsAny<ArgumentException>(() => MetadataRevision.Compute(vector.Build()));
        Assert.ThrowsAny<ArgumentException>(() => ReferenceEncoder.Revision(vector.Build()));
    }

    [Theory]
    [MemberData(nameof(RejectNames))]
    public void Compute_RejectVectorRepresentableInUtf16_RejectedByTheAlgorithmNotTheReader(string name)
    {
        var vector = RevisionVectors.Get(name);
        MetadataInfo info;
        try
        {
            info = vector.Build();
        }
        catch (ArgumentException)
        {
            // Bytes that are not UTF-16 at all: a UTF-16 implementation cannot even hold them (checked above).
            return;
        }

        var error = Assert.ThrowsAny<ArgumentException>(() => MetadataRevision.Compute(info));
        Assert.Contains(vector.Reject == "port" ? "port" : "surrogate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RawStrings_LoneSurrogate_SurvivesTheFileFormat()
    {
        var info = RevisionVectors.Get("reject-lone-high-surrogate-app").Build();

        Assert.Equal("a\ud800", info.App);
        Assert.Equal("\udc00", RevisionVectors.Get("revision-field-ignored").Build().Revision);
    }

    [Fact]
    public void Compute_EmptyServicesWithInvalidApp_IsZero()
    {
        Assert.Equal(MetadataRevision.Empty, MetadataRevision.Compute(RevisionVectors.Get("empty-services-invalid-app").Build()));
        Assert.Equal(MetadataRevision.Empty, MetadataRevision.Compute(new MetadataInfo { App = "\ud800" }));
    }

    [Theory]
    [MemberData(nameof(WellFormedCases))]
    public void IsWellFormed_Case_MatchesFile(int index)
    {
        var element = RevisionVectors.Root.GetProperty("well_formed")[index];
        var revision = RevisionVectors.ReadString(element.GetProperty("revision"));
        var expected = element.GetProperty("well_formed").GetBoolean();

        Assert.Equal(expected, MetadataRevision.IsWellFormed(revision));
        Assert.Equal(expected, WireContract.TryValidateRevision("revision", revision, out _));
    }

    [Theory]
    [MemberData(nameof(WireCases))]
    public void Compute_WireBytes_ProtobufLastWinsThenHash(int index)
    {
        var element = RevisionVectors.Root.GetProperty("wire")[index];
        var info = MetadataInfo.Parser.ParseFrom(Convert.FromHexString(element.GetProperty("protobuf").GetString()!));

        if (element.TryGetProperty("reject", out _))
        {
            Assert.ThrowsAny<ArgumentException>(() => MetadataRevision.Compute(info));
        }
        else
        {
            Assert.Equal(element.GetProperty("expected").GetString(), MetadataRevision.Compute(info));
        }
    }

    [Fact]
    public void Wire_DuplicateParamKey_LastEntryIsTheOneHashed()
    {
        var wire = RevisionVectors.Root.GetProperty("wire");

        Assert.Equal(RevisionVectors.Get("worked-example").Expected, wire[0].GetProperty("expected").GetString());
        Assert.NotEqual(wire[0].GetProperty("expected").GetString(), wire[1].GetProperty("expected").GetString());
    }

    [Theory]
    [MemberData(nameof(DubboJavaCases))]
    public void DubboJavaRevision_Case_MatchesFile(int index)
    {
        var element = RevisionVectors.Root.GetProperty("dubbo_java")[index];
        var input = element.GetProperty("input");

        if (element.TryGetProperty("desc", out var desc))
        {
            Assert.Equal(desc.GetString(), ReferenceDubboJavaRevision.Desc(input));
        }

        Assert.Equal(element.GetProperty("expected").GetString(), ReferenceDubboJavaRevision.Revision(input));
    }

    private static TheoryData<int> Indexes(string section)
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < RevisionVectors.Root.GetProperty(section).GetArrayLength(); i++)
        {
            data.Add(i);
        }

        return data;
    }
}
