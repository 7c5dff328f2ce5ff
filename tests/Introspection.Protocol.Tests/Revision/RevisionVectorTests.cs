using System.Security.Cryptography;
using System.Text;

namespace Introspection.Protocol.Tests.Revision;

public sealed class RevisionVectorTests
{
    // REVISION.md §7, hashed independently of any C#:
    //   printf '\x00\x00\x00\x19introspection-revision-v1...' | sha256sum
    private const string WorkedExampleHex =
        "00000019696e74726f7370656374696f6e2d7265766973696f6e2d7631" +
        "0000000161" + "00000001" +
        "0000000173" + "00000000" + "00000000" + "0000000467727063" + "00000000" + "00000000" +
        "00000001" + "000000014d" +
        "00000001" + "000000016b" + "0000000176";

    private const string WorkedExampleSha256 = "b12e9e7ba5c34993afae46de5aadd54e0668397ea1a5395bbae9afaff235fb7c";

    public static TheoryData<string> VectorNames => RevisionVectors.Names();

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void Compute_Vector_ReturnsExpectedRevision(string name)
    {
        var vector = RevisionVectors.Get(name);

        Assert.Equal(vector.Expected, MetadataRevision.Compute(vector.Input));
    }

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void GetCanonicalBytes_Vector_MatchesPublishedCanonicalHex(string name)
    {
        var vector = RevisionVectors.Get(name);
        if (vector.Canonical is null)
        {
            Assert.Equal(MetadataRevision.Empty, vector.Expected);
            Assert.Empty(vector.Input.Services);
            return;
        }

        Assert.Equal(vector.Canonical, Convert.ToHexStringLower(MetadataRevision.GetCanonicalBytes(vector.Input)));
        Assert.Equal(vector.Expected, Convert.ToHexStringLower(SHA256.HashData(Convert.FromHexString(vector.Canonical))));
    }

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void ReferenceEncoder_Vector_AgreesWithVectorAndImplementation(string name)
    {
        var vector = RevisionVectors.Get(name);

        Assert.Equal(vector.Expected, ReferenceEncoder.Revision(vector.Input));
        Assert.Equal(MetadataRevision.Compute(vector.Input), ReferenceEncoder.Revision(vector.Input));
        if (vector.Canonical is not null)
        {
            Assert.Equal(vector.Canonical, Convert.ToHexStringLower(ReferenceEncoder.Document(vector.Input)));
        }
    }

    [Fact]
    public void Vectors_File_HasEnoughUniquelyNamedWellFormedCases()
    {
        var vectors = RevisionVectors.All;

        Assert.True(vectors.Count >= 16, $"only {vectors.Count} vectors");
        Assert.Equal(vectors.Count, vectors.Select(v => v.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.All(vectors.Where(v => v.Reject is null), v => Assert.True(MetadataRevision.IsWellFormed(v.Expected), v.Name));
        Assert.All(vectors.Where(v => v.Reject is not null), v => Assert.True(v.Expected is null && v.Canonical is null, v.Name));
        Assert.True(vectors.Count(v => v.Reject is not null) >= 10, "rejection vectors are missing");
        Assert.All(vectors, v => Assert.False(string.IsNullOrWhiteSpace(v.Description), v.Name));
    }

    [Fact]
    public void WorkedExample_HandComputedBytes_HashToPinnedSha256()
    {
        var bytes = Convert.FromHexString(WorkedExampleHex);

        Assert.Equal(90, bytes.Length);
        Assert.Equal(WorkedExampleSha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        Assert.Equal(WorkedExampleHex, RevisionVectors.Get("worked-example").Canonical);
        Assert.Equal(WorkedExampleSha256, RevisionVectors.Get("worked-example").Expected);
        Assert.Equal(WorkedExampleSha256, MetadataRevision.Compute(RevisionVectors.Get("worked-example").Input));
    }

    [Fact]
    public void WorkedExample_BashCommandInSpec_EncodesTheSameBytes()
    {
        // Keeps REVISION.md's printf line honest: decode its \x escapes and compare.
        var spec = File.ReadAllText(Path.Combine(FindRepositoryFile("protocol/REVISION.md")));
        var line = spec.Split('\n').Single(l => l.StartsWith("printf '", StringComparison.Ordinal));
        var literal = line["printf '".Length..line.LastIndexOf('\'')];
        var bytes = new List<byte>();
        for (var i = 0; i < literal.Length; i++)
        {
            if (literal[i] == '\\' && literal[i + 1] == 'x')
            {
                bytes.Add(Convert.ToByte(literal.Substring(i + 2, 2), 16));
                i += 3;
            }
            else
            {
                bytes.AddRange(Encoding.ASCII.GetBytes(literal[i].ToString()));
            }
        }

        Assert.Equal(WorkedExampleHex, Convert.ToHexStringLower([.. bytes]));
        Assert.Contains(WorkedExampleSha256, spec, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("single-service-all-fields", "param-order-shuffled")]
    [InlineData("single-service-all-fields", "method-order-shuffled")]
    [InlineData("single-service-all-fields", "duplicate-methods")]
    [InlineData("single-service-all-fields", "volatile-keys-ignored")]
    [InlineData("single-service-all-fields", "duplicate-services")]
    [InlineData("protocol-empty", "protocol-grpc")]
    [InlineData("many-services-50", "many-services-50-reversed")]
    public void Vectors_EquivalentInputs_ShareExpectedRevision(string a, string b)
    {
        Assert.Equal(RevisionVectors.Get(a).Expected, RevisionVectors.Get(b).Expected);
    }

    [Theory]
    [InlineData("concat-collision-a", "concat-collision-b")]
    [InlineData("comma-collision-a", "comma-collision-b")]
    [InlineData("nul-collision-a", "nul-collision-b")]
    [InlineData("unicode-nfc", "unicode-nfd")]
    [InlineData("protocol-grpc", "protocol-uppercase")]
    [InlineData("port-own", "port-explicit")]
    [InlineData("single-service-all-fields", "volatile-lookalikes-hashed")]
    [InlineData("single-service-all-fields", "group-differs")]
    [InlineData("single-service-all-fields", "version-differs")]
    [InlineData("single-service-all-fields", "app-differs")]
    public void Vectors_DifferentInputs_HaveDifferentExpectedRevisions(string a, string b)
    {
        Assert.NotEqual(RevisionVectors.Get(a).Expected, RevisionVectors.Get(b).Expected);
    }

    private static string FindRepositoryFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }
}
