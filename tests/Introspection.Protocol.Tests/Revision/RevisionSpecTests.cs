using System.Text.RegularExpressions;

namespace Introspection.Protocol.Tests.Revision;

/// <summary>Keeps REVISION.md and the vectors file in step: every vector the text names exists, and every section is answered.</summary>
public sealed partial class RevisionSpecTests
{
    [Fact]
    public void Spec_EveryVectorItNames_ExistsInTheFile()
    {
        var spec = File.ReadAllText(FindRepositoryFile("protocol/REVISION.md"));
        var names = RevisionVectors.All.Select(v => v.Name)
            .Concat(RevisionVectors.Root.GetProperty("wire").EnumerateArray().Select(w => w.GetProperty("name").GetString()!))
            .ToHashSet(StringComparer.Ordinal);

        var named = VectorName().Matches(spec).Select(m => m.Groups[1].Value).Where(n => !n.EndsWith('-')).ToList();

        Assert.NotEmpty(named);
        Assert.All(named, n => Assert.True(names.Contains(n) || names.Any(x => x.StartsWith(n.TrimEnd('*'), StringComparison.Ordinal)), $"REVISION.md names vector '{n}' that the file lacks"));
    }

    [Theory]
    [InlineData("empty-services-invalid-app")]
    [InlineData("revision-field-ignored")]
    [InlineData("volatile-bare-prefix")]
    [InlineData("bom-not-stripped")]
    [InlineData("noncharacters-hashed")]
    [InlineData("reject-port-negative")]
    [InlineData("reject-port-65536")]
    public void Spec_IssueQuestion_HasItsVectorInTheAnswersTable(string vector)
    {
        var spec = File.ReadAllText(FindRepositoryFile("protocol/REVISION.md"));
        var table = spec[spec.IndexOf("## 12. Answers in one place", StringComparison.Ordinal)..];

        Assert.Contains($"`{vector}`", table, StringComparison.Ordinal);
        Assert.NotNull(RevisionVectors.Get(vector));
    }

    [GeneratedRegex(@"`((?:reject|wire|empty|revision|volatile|bom|noncharacters)-[a-z0-9*-]+)`")]
    private static partial Regex VectorName();

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
