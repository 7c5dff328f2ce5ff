namespace Introspection.Protocol;

/// <summary>
/// A registry answer in the compact form (protocol/COMPACT.md) that cannot be expanded: a ref
/// outside its table, or a ref and an inline value on one field. The registry never sends one;
/// readers map it to a clear error (a bad answer from that registry) rather than using the record.
/// </summary>
public sealed class CompactFormException : Exception
{
    /// <summary>An expansion failure without detail.</summary>
    public CompactFormException()
    {
    }

    /// <summary>An expansion failure naming the field, the ref and the table size.</summary>
    public CompactFormException(string message)
        : base(message)
    {
    }

    /// <summary>An expansion failure caused by <paramref name="innerException"/>.</summary>
    public CompactFormException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
