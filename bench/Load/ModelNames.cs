namespace Introspection.Bench.Load;

/// <summary>The names of the models on the command line and in the results (<c>full</c>, <c>full-etcd</c>, <c>introspection</c>).</summary>
internal static class ModelNames
{
    public const string Full = "full";

    public const string FullEtcd = "full-etcd";

    public const string Introspection = "introspection";

    public static string Of(ModelKind model) => model switch
    {
        ModelKind.Full => Full,
        ModelKind.FullEtcd => FullEtcd,
        ModelKind.Introspection => Introspection,
        _ => throw new ArgumentOutOfRangeException(nameof(model), model, "unknown model"),
    };

    /// <summary>Reads a model name, case-insensitively.</summary>
    public static bool TryParse(string text, out ModelKind model)
    {
        foreach (var kind in Enum.GetValues<ModelKind>())
        {
            if (string.Equals(text, Of(kind), StringComparison.OrdinalIgnoreCase))
            {
                model = kind;
                return true;
            }
        }

        model = default;
        return false;
    }
}
