using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Introspection.Cli;

/// <summary>
/// Where results go: Spectre.Console tables for people, indented JSON (one document, or one line per event for
/// <c>watch</c>) for scripts. Errors never come here: they go to stderr, one line each.
/// </summary>
internal sealed class CliOutput
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    public CliOutput(bool json)
    {
        Json = json;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(System.Console.Out),
            Interactive = System.Console.IsOutputRedirected ? InteractionSupport.No : InteractionSupport.Detect,
            Ansi = System.Console.IsOutputRedirected ? AnsiSupport.No : AnsiSupport.Detect,
        });
        if (System.Console.IsOutputRedirected)
        {
            // A pipe has no width; 80 columns would wrap addresses and labels mid-word.
            Console.Profile.Width = 200;
        }
    }

    public bool Json { get; }

    public IAnsiConsole Console { get; }

    public bool IsInteractive => !System.Console.IsOutputRedirected;

    public void Write(JsonNode node) => System.Console.Out.WriteLine(node.ToJsonString(s_indented));

    /// <summary>One JSON document on one line (newline-delimited JSON), flushed at once.</summary>
    public void WriteLine(JsonNode node)
    {
        System.Console.Out.WriteLine(node.ToJsonString());
        System.Console.Out.Flush();
    }

    public void Write(IRenderable renderable) => Console.Write(renderable);

    public void Line(string text) => Console.WriteLine(text);

    public static Table NewTable(params string[] columns)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(Markup.Escape(column)).NoWrap());
        }

        return table;
    }

    /// <summary>A row of plain text cells: user data is never parsed as Spectre markup.</summary>
    public static void AddRow(Table table, params string[] cells) => table.AddRow([.. cells.Select(c => (IRenderable)new Text(c))]);

    public static string Short(string revision) => revision.Length > 12 ? revision[..12] : revision;

    public static string Labels(IEnumerable<KeyValuePair<string, string>> labels) =>
        string.Join(' ', labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value));

    public static JsonObject LabelsJson(IEnumerable<KeyValuePair<string, string>> labels)
    {
        var node = new JsonObject();
        foreach (var (key, value) in labels.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            node[key] = value;
        }

        return node;
    }

    public static string Address(string host, int port) => (host.Contains(':', StringComparison.Ordinal) ? "[" + host + "]" : host) + ":" + port;
}
