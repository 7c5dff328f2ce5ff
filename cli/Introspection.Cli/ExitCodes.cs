namespace Introspection.Cli;

/// <summary>What <c>introspect</c>'s exit code means (README.md lists them): scripts branch on these.</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>Anything else: a provider served bad metadata, the registry answered an unexpected error, NOT_SERVING.</summary>
    public const int Other = 1;

    /// <summary>The command line, a setting or a name was wrong (parse error, missing file, INVALID_ARGUMENT).</summary>
    public const int Usage = 2;

    /// <summary>The registry (or every instance asked) could not be reached in time.</summary>
    public const int Unreachable = 3;

    /// <summary>The registry refused the caller: UNAUTHENTICATED or PERMISSION_DENIED.</summary>
    public const int Denied = 4;

    /// <summary>What was asked for does not exist: an app without instances, an unmapped service, an unknown instance or revision.</summary>
    public const int NotFound = 5;
}
