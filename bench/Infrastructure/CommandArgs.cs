using System.Globalization;

namespace Introspection.Bench.Infrastructure;

/// <summary>
/// A deliberately small <c>--key value</c> / <c>--key=value</c> parser. Every key must be consumed,
/// so a typo in a benchmark command fails loudly instead of silently running the default scenario.
/// </summary>
internal sealed class CommandArgs
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _consumed = new(StringComparer.OrdinalIgnoreCase);

    public CommandArgs(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var token = args[i];
            if (!token.StartsWith("--", StringComparison.Ordinal) || token.Length == 2)
            {
                throw new ArgumentException($"unexpected argument '{token}': options look like --name value");
            }

            string key;
            string value;
            var eq = token.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                key = token[2..eq];
                value = token[(eq + 1)..];
            }
            else
            {
                key = token[2..];
                // A flag is followed by another option or nothing; everything else takes the next token.
                if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    value = args[++i];
                }
                else
                {
                    value = "true";
                }
            }

            if (!_values.TryGetValue(key, out var list))
            {
                _values[key] = list = [];
            }

            list.Add(value);
        }
    }

    public string GetString(string key, string defaultValue) => Last(key) ?? defaultValue;

    public string? GetOptionalString(string key) => Last(key);

    public IReadOnlyList<string> GetAll(string key)
    {
        _consumed.Add(key);
        return _values.TryGetValue(key, out var list) ? list : [];
    }

    public int GetInt(string key, int defaultValue, int min = int.MinValue, int max = int.MaxValue)
    {
        var text = Last(key);
        if (text is null)
        {
            return defaultValue;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new ArgumentException($"--{key} must be an integer in [{min}, {max}], got '{text}'");
        }

        return value;
    }

    public double GetDouble(string key, double defaultValue, double min = double.MinValue, double max = double.MaxValue)
    {
        var text = Last(key);
        if (text is null)
        {
            return defaultValue;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new ArgumentException($"--{key} must be a number in [{min}, {max}], got '{text}'");
        }

        return value;
    }

    public bool GetBool(string key, bool defaultValue)
    {
        var text = Last(key);
        return text is null ? defaultValue : bool.Parse(text);
    }

    public IReadOnlyList<int> GetIntList(string key)
    {
        var text = Last(key);
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        var result = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value <= 0)
            {
                throw new ArgumentException($"--{key} takes positive integers separated by commas, got '{text}'");
            }

            result.Add(value);
        }

        return result;
    }

    /// <summary>Throws when an option was given that no one asked for.</summary>
    public void ThrowOnUnknown()
    {
        var unknown = _values.Keys.Where(k => !_consumed.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException("unknown option(s): " + string.Join(", ", unknown.Select(k => "--" + k)));
        }
    }

    private string? Last(string key)
    {
        _consumed.Add(key);
        return _values.TryGetValue(key, out var list) ? list[^1] : null;
    }
}
