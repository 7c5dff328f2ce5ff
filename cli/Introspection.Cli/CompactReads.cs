using Grpc.Core;
using Introspection.Protocol;
using Introspection.Protocol.Registry.V1;

namespace Introspection.Cli;

/// <summary>
/// The CLI's reads of instance records, in the compact form (protocol/COMPACT.md) and expanded before any command
/// looks at them. A registry answer that cannot be expanded is a bad answer: exit code Other, naming the bad ref.
/// </summary>
internal static class CompactReads
{
    /// <summary>ListInstances of <paramref name="app"/>, asked compact, returned inline.</summary>
    public static async Task<ListInstancesResponse> ListInstancesAsync(CliContext context, string app, CancellationToken ct)
    {
        var request = new ListInstancesRequest { Namespace = context.Settings.Namespace, App = app, Compact = true };
        var response = await context.Registry.ListInstancesAsync(request, deadline: context.Settings.Deadline, cancellationToken: ct).ConfigureAwait(false);
        Expand(() => CompactForm.Expand(response));
        return response;
    }

    /// <summary>Expands one Watch message in place.</summary>
    public static void Expand(WatchResponse response) => Expand(() => CompactForm.Expand(response));

    private static void Expand(Action expand)
    {
        try
        {
            expand();
        }
        catch (CompactFormException ex)
        {
            throw new CliException(ExitCodes.Other, $"the registry sent an answer that cannot be read: {ex.Message}");
        }
    }
}
