namespace Introspection.Bench.Infrastructure;

/// <summary>Parses repeated <c>--registry-env NAME=VALUE</c> options over a set of defaults.</summary>
internal static class EnvironmentArgs
{
    public static Dictionary<string, string> Parse(IEnumerable<string> values, Dictionary<string, string> defaults)
    {
        var result = new Dictionary<string, string>(defaults, StringComparer.Ordinal);
        foreach (var text in values)
        {
            var eq = text.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new ArgumentException($"--registry-env takes NAME=VALUE, got '{text}'");
            }

            result[text[..eq]] = text[(eq + 1)..];
        }

        return result;
    }
}
