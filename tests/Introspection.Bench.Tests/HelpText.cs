using System.Text.RegularExpressions;

namespace Introspection.Bench.Tests;

/// <summary>Reads System.CommandLine help output back into option name → description.</summary>
internal static partial class HelpText
{
    /// <summary>Each option's longest name (<c>--x</c>) with the rest of its row, wrapped lines joined.</summary>
    public static Dictionary<string, string> OptionDescriptions(string help)
    {
        var options = help[help.IndexOf("Options:", StringComparison.Ordinal)..];
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        string? current = null;
        foreach (var line in options.Split('\n').Skip(1))
        {
            var row = OptionRow().Match(line);
            if (row.Success)
            {
                current = row.Groups["names"].Value.Split(", ").Last();
                result[current] = row.Groups["description"].Value.Trim();
            }
            else if (current is not null && line.Trim().Length > 0)
            {
                result[current] += " " + line.Trim();
            }
        }

        return result;
    }

    // "  --apps <N>   applications [default: 20]" and "  -?, -h, --help   Show help ..."
    [GeneratedRegex(@"^  (?<names>-[^ <]*(?:, -[^ <]*)*)(?: <[^>]*>)?\s{2,}(?<description>.*)$")]
    private static partial Regex OptionRow();
}
