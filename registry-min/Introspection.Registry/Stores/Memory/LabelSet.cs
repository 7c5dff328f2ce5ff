using System.Diagnostics.CodeAnalysis;

namespace Introspection.Registry.Stores.Memory;

/// <summary>
/// An immutable label dictionary in ordinal key order (the order readers always saw), as two arrays. The store
/// keeps one per distinct content and every instance with those labels refers to it, counted so the pool
/// forgets a set once no instance holds it.
/// </summary>
internal sealed class LabelSet : IReadOnlyDictionary<string, string>
{
    public static readonly LabelSet Empty = new([], []);

    private readonly string[] _keys;
    private readonly string[] _values;

    private LabelSet(string[] keys, string[] values)
    {
        _keys = keys;
        _values = values;
    }

    public int References { get; set; }

    public int Count => _keys.Length;

    public IEnumerable<string> Keys => _keys;

    public IEnumerable<string> Values => _values;

    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    public static LabelSet From(IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count == 0)
        {
            return Empty;
        }

        var keys = new string[labels.Count];
        var values = new string[labels.Count];
        var i = 0;
        foreach (var (key, value) in labels)
        {
            keys[i] = key;
            values[i] = value;
            i++;
        }

        Array.Sort(keys, values, StringComparer.Ordinal);
        return new LabelSet(keys, values);
    }

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        var index = IndexOf(key);
        value = index >= 0 ? _values[index] : null;
        return index >= 0;
    }

    public bool ContentEquals(LabelSet other)
    {
        if (_keys.Length != other._keys.Length)
        {
            return false;
        }

        for (var i = 0; i < _keys.Length; i++)
        {
            if (!string.Equals(_keys[i], other._keys[i], StringComparison.Ordinal) || !string.Equals(_values[i], other._values[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public int ContentHash()
    {
        var hash = new HashCode();
        for (var i = 0; i < _keys.Length; i++)
        {
            hash.Add(_keys[i], StringComparer.Ordinal);
            hash.Add(_values[i], StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        for (var i = 0; i < _keys.Length; i++)
        {
            yield return new KeyValuePair<string, string>(_keys[i], _values[i]);
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    // Label sets are capped small: a binary search beats hashing at these sizes and needs no table.
    private int IndexOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Array.BinarySearch(_keys, key, StringComparer.Ordinal);
    }
}
