using System.CommandLine;
using System.Net.Sockets;
using Grpc.Core;
using Introspection.Client;

namespace Introspection.Cli;

/// <summary>
/// Runs a command's body and turns every failure into one line on stderr and an exit code (<see cref="ExitCodes"/>).
/// </summary>
internal static class CliCommand
{
    public static void SetAction(Command command, CliOptions options, Func<ParseResult, CliContext, CancellationToken, Task<int>> body) =>
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                using var context = new CliContext(CliSettings.From(parse, options));
                return await body(parse, context, cancellationToken).ConfigureAwait(false);
            }
            catch (CliException ex)
            {
                return Fail(ex.ExitCode, ex.Message);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
            {
                return ExitCodes.Ok;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C: the user asked to stop, which is not a failure.
                return ExitCodes.Ok;
            }
            catch (RpcException ex)
            {
                var (code, what) = Classify(ex);
                return Fail(code, what);
            }
            catch (Exception ex) when (ex is HttpRequestException or SocketException or IOException)
            {
                return Fail(ExitCodes.Unreachable, "registry unreachable: " + OneLine(ex.Message));
            }
        });

    public static (int ExitCode, string Message) Classify(RpcException ex)
    {
        var detail = OneLine(ex.Status.Detail.Length > 0 ? ex.Status.Detail : ex.StatusCode.ToString());
        if (ex.Status.DebugException is { } cause && FindAuthenticationFailure(cause) is { } tls)
        {
            // grpc-dotnet reports a failed TLS handshake as INTERNAL; for an operator it is "cannot reach it safely".
            return (ExitCodes.Unreachable, "registry unreachable: TLS handshake failed (" + OneLine(tls.Message) + "); --ca-file names the CA to trust");
        }

        return ex.StatusCode switch
        {
            StatusCode.Unavailable when IntrospectionErrors.GetKind(ex) is IntrospectionErrorKind.ServiceNotDiscovered or IntrospectionErrorKind.NoInstances
                => (ExitCodes.NotFound, detail),
            StatusCode.Unavailable or StatusCode.DeadlineExceeded => (ExitCodes.Unreachable, $"registry unreachable ({ex.StatusCode}): {detail}"),
            StatusCode.Unauthenticated => (ExitCodes.Denied, "unauthenticated: " + detail),
            StatusCode.PermissionDenied => (ExitCodes.Denied, "permission denied: " + detail),
            StatusCode.NotFound => (ExitCodes.NotFound, "not found: " + detail),
            StatusCode.InvalidArgument => (ExitCodes.Usage, "invalid argument: " + detail),
            _ => (ExitCodes.Other, $"{ex.StatusCode}: {detail}"),
        };
    }

    private static System.Security.Authentication.AuthenticationException? FindAuthenticationFailure(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is System.Security.Authentication.AuthenticationException authentication)
            {
                return authentication;
            }
        }

        return null;
    }

    public static int Fail(int exitCode, string message)
    {
        Console.Error.WriteLine("introspect: " + OneLine(message));
        return exitCode;
    }

    public static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
