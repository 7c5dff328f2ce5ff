using System.Diagnostics;
using Introspection.Protocol.Registry.V1;

namespace Introspection.Protocol.Tests.Compact;

/// <summary>
/// protocol/compact-vectors.json, written by the independent Python encoder: CompactForm.Expand turns every compact
/// vector into exactly the expanded bytes, leaves an inline answer as it is, and refuses every rejection vector.
/// (The other direction, inline to compact, is the registry's: Introspection.Registry.Tests checks it on these vectors.)
/// </summary>
public sealed class CompactFormVectorTests
{
    [Theory]
    [MemberData(nameof(CompactVectors.Names), MemberType = typeof(CompactVectors))]
    public void Expand_CompactVector_GivesTheExpandedBytes(string name)
    {
        var vector = CompactVectors.Get("vectors", name);

        var expanded = CompactVectors.Expand(vector, CompactVectors.Bytes(vector, "compact"));

        Assert.Equal(Convert.ToBase64String(CompactVectors.Bytes(vector, "expanded")), Convert.ToBase64String(expanded));
    }

    [Theory]
    [MemberData(nameof(CompactVectors.Names), MemberType = typeof(CompactVectors))]
    public void Expand_InlineVector_LeavesItUnchanged(string name)
    {
        var vector = CompactVectors.Get("vectors", name);
        var inline = CompactVectors.Bytes(vector, "expanded");

        Assert.Equal(Convert.ToBase64String(inline), Convert.ToBase64String(CompactVectors.Expand(vector, inline)));
    }

    [Fact]
    public void Vectors_RolloutList_CompactIsSmallerThanInline()
    {
        // The point of the form: with three instances of one build, a third of the bytes already go.
        var vector = CompactVectors.Get("vectors", "list-one-app-one-revision");

        Assert.True(CompactVectors.Bytes(vector, "compact").Length * 3 < CompactVectors.Bytes(vector, "expanded").Length * 2);
    }

    [Theory]
    [MemberData(nameof(CompactVectors.RejectNames), MemberType = typeof(CompactVectors))]
    public void Expand_RejectVector_ThrowsCompactFormException(string name)
    {
        var vector = CompactVectors.Get("reject", name);

        var error = Assert.Throws<CompactFormException>(() => CompactVectors.Expand(vector, CompactVectors.Bytes(vector, "compact")));

        Assert.Contains("_ref", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Expand_AppRefPastTable_NamesTheRefAndTheTableSize()
    {
        var response = new ListInstancesResponse { AppTable = { "orders" } };
        response.Instances.Add(new Instance { InstanceId = "i1", AppRef = 3 });

        var error = Assert.Throws<CompactFormException>(() => CompactForm.Expand(response));

        Assert.Contains("app_ref 3 is outside app_table (1 entries", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Expand_WatchDelta_ExpandsEventInstancesAndClearsTheTables()
    {
        var response = new WatchResponse { Kind = WatchResponseKind.Delta, AppTable = { "orders" }, RevisionTable = { "0" } };
        response.Events.Add(new WatchEvent { Type = WatchEventType.Put, Instance = new Instance { InstanceId = "i1", AppRef = 1, RevisionRef = 1 } });
        response.Events.Add(new WatchEvent { Type = WatchEventType.MappingPut, Mapping = new ServiceMapping { App = "orders", Service = "a.B" } });

        CompactForm.Expand(response);

        Assert.Equal(("orders", "0", 0u, 0u), (response.Events[0].Instance.App, response.Events[0].Instance.Revision, response.Events[0].Instance.AppRef, response.Events[0].Instance.RevisionRef));
        Assert.Empty(response.AppTable);
        Assert.Empty(response.RevisionTable);
    }

    [Fact]
    public async Task PythonTool_Check_VectorsFileIsWhatTheGeneratorWrites()
    {
        var script = FindRepositoryFile("protocol/tools/compact_vectors.py");
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add("--check");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 could not be started: install it (test.sh does).");
        var output = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(process.ExitCode == 0, await output);
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

        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}.");
    }
}
