namespace Introspection.Provider;

/// <summary>Adds one parameter to the metadata of a gRPC service class. Options override it.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = true)]
public sealed class IntrospectionServiceParameterAttribute : Attribute
{
    /// <summary>Creates the parameter <paramref name="key"/> = <paramref name="value"/>.</summary>
    public IntrospectionServiceParameterAttribute(string key, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        Key = key;
        Value = value;
    }

    /// <summary>Parameter key.</summary>
    public string Key { get; }

    /// <summary>Parameter value.</summary>
    public string Value { get; }
}
