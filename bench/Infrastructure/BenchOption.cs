using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Introspection.Bench.Infrastructure;

/// <summary>
/// The kinds of option the load tools take, as System.CommandLine options. Each states its default in
/// help as <c>[default: ...]</c> and checks its own value, so a bad value fails the parse with a message
/// naming the option before anything is started. A single-valued default is the option's default value
/// and help prints it itself; a default that is no single value (none, a list, "the one built beside
/// the bench") is stated in the description in the same form, the option then has no value unless
/// given, and the caller falls back to its options class's default.
/// </summary>
internal static class BenchOption
{
    /// <summary>An integer in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Option<int> Int(string name, string description, int defaultValue, int min, int max)
    {
        // A custom parser, so "not a number" and "out of range" get the same message stating the range.
        return new Option<int>(name)
        {
            Description = description,
            HelpName = "N",
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result =>
            {
                var text = result.Tokens[^1].Value;
                if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
                {
                    result.AddError($"{name} must be an integer in [{min}, {max}], got '{text}'");
                    return defaultValue;
                }

                return value;
            },
        };
    }

    public static Option<string> String(string name, string description, string helpName, string defaultValue) =>
        new(name) { Description = description, HelpName = helpName, DefaultValueFactory = _ => defaultValue };

    /// <summary>A string that is null unless given; <paramref name="defaultText"/> says what happens then.</summary>
    public static Option<string?> OptionalString(string name, string description, string helpName, string defaultText) =>
        new(name) { Description = WithDefault(description, defaultText), HelpName = helpName };

    /// <summary>
    /// One value of the form <c>a,b,c</c>, each item read by <paramref name="parseItem"/> (not Ok: invalid,
    /// reported as <paramref name="error"/> of the whole value). Duplicates are dropped, keeping the first.
    /// </summary>
    public static Option<IReadOnlyList<T>> CommaList<T>(
        string name, string description, string helpName, string defaultText, Func<string, (bool Ok, T Item)> parseItem, Func<string, string> error)
    {
        return new Option<IReadOnlyList<T>>(name)
        {
            Description = WithDefault(description, defaultText),
            HelpName = helpName,
            // One token per occurrence (the list is comma-separated), the last occurrence winning.
            Arity = ArgumentArity.ExactlyOne,
            CustomParser = result =>
            {
                var text = result.Tokens[^1].Value;
                var items = new List<T>();
                foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    var (ok, item) = parseItem(part);
                    if (!ok)
                    {
                        result.AddError(error(text));
                        return [];
                    }

                    if (!items.Contains(item))
                    {
                        items.Add(item);
                    }
                }

                return items;
            },
        };
    }

    /// <summary>
    /// Repeatable <c>K=V</c> registry configuration, passed to the registry as <c>--K=V</c> (the
    /// leading dashes may be given too).
    /// </summary>
    public static Option<IReadOnlyList<string>> ConfigArgs(string name, string description)
    {
        return new Option<IReadOnlyList<string>>(name)
        {
            Description = WithDefault(description, "none"),
            HelpName = "K=V",
            Arity = ArgumentArity.OneOrMore,
            CustomParser = result => result.Tokens.Select(t => t.Value.StartsWith("--", StringComparison.Ordinal) ? t.Value : "--" + t.Value).ToList(),
        };
    }

    /// <summary>Repeatable <c>NAME=VALUE</c> environment variables, laid over <paramref name="defaults"/>.</summary>
    public static Option<IReadOnlyDictionary<string, string>> Environment(string name, string description, IReadOnlyDictionary<string, string> defaults)
    {
        var defaultText = defaults.Count == 0 ? "none" : string.Join(' ', defaults.Select(kv => $"{kv.Key}={kv.Value}"));
        return new Option<IReadOnlyDictionary<string, string>>(name)
        {
            Description = WithDefault(description, defaultText),
            HelpName = "K=V",
            Arity = ArgumentArity.OneOrMore,
            CustomParser = result =>
            {
                var values = new Dictionary<string, string>(defaults, StringComparer.Ordinal);
                foreach (var token in result.Tokens)
                {
                    var eq = token.Value.IndexOf('=', StringComparison.Ordinal);
                    if (eq <= 0)
                    {
                        result.AddError($"{name} takes NAME=VALUE, got '{token.Value}'");
                        continue;
                    }

                    values[token.Value[..eq]] = token.Value[(eq + 1)..];
                }

                return values;
            },
        };
    }

    /// <summary>
    /// The value of <paramref name="option"/> for a command validator that checks options against each
    /// other; false when the option's own value failed to parse (that error is reported already, and
    /// System.CommandLine throws rather than return a value for it).
    /// </summary>
    public static bool TryGetValue<T>(SymbolResult result, Option<T> option, out T? value)
    {
        ArgumentNullException.ThrowIfNull(result);
        try
        {
            value = result.GetValue(option);
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default;
            return false;
        }
    }

    // The form System.CommandLine's help gives the defaults it prints itself.
    private static string WithDefault(string description, string defaultText) => $"{description} [default: {defaultText}]";
}
