namespace Introspection.Wire;

/// <summary>
/// Carries "this call's request was malformed" from the deserializer (which grpc-dotnet calls with no
/// access to the HttpContext) back to <see cref="WireGuard"/> around the call, which logs it.
/// The scope object is created by the outer request delegate and only mutated below it, so the
/// value flows down with the ExecutionContext and the outer frame sees the change.
/// </summary>
internal sealed class WireFailureScope
{
    private static readonly AsyncLocal<WireFailureScope?> s_current = new();

    public static WireFailureScope? Current
    {
        get => s_current.Value;
        set => s_current.Value = value;
    }

    /// <summary>The failure answered, if any (the first one of the call).</summary>
    public MalformedMessageException? Failure { get; private set; }

    /// <summary>A streaming handler answered the failure in-stream and logged it itself: the call goes on.</summary>
    public void Clear() => Failure = null;

    public static MalformedMessageException Fail(Grpc.Core.StatusCode code, string detail)
    {
        var exception = new MalformedMessageException(code, detail);
        var scope = Current;
        if (scope is not null)
        {
            scope.Failure ??= exception;
        }

        return exception;
    }
}
