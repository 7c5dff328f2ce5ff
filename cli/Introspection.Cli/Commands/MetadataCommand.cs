using System.CommandLine;
using System.Text.Json.Nodes;
using Grpc.Core;
using Introspection.Protocol;
using Introspection.Protocol.Metadata.V1;
using Introspection.Protocol.Registry.V1;

namespace Introspection.Cli.Commands;

/// <summary>
/// <c>metadata &lt;app&gt; [--revision R]</c>: asks an instance that serves the revision for its metadata and checks
/// that the answer hashes to the revision (protocol/REVISION.md), trying the next instance when one fails or lies.
/// Without <c>--revision</c>: the revision most instances run.
/// </summary>
internal static class MetadataCommand
{
    public static Command Create(CliOptions options)
    {
        var app = new Argument<string>("app") { Description = "the app" };
        var revisionOption = new Option<string?>("--revision") { Description = "the metadata revision (default: the one most instances run)" };
        var command = new Command("metadata", "an app's metadata (services, methods, params), fetched from an instance and verified against its revision") { app, revisionOption };
        CliCommand.SetAction(command, options, async (parse, context, ct) =>
        {
            var name = parse.GetValue(app)!;
            var asked = parse.GetValue(revisionOption);
            if (asked is not null && !MetadataRevision.IsWellFormed(asked))
            {
                throw new CliException(ExitCodes.Usage, $"--revision '{asked}' is not a revision (\"0\" or 64 lowercase hex characters)");
            }

            var listed = await CompactReads.ListInstancesAsync(context, name, ct).ConfigureAwait(false);
            if (listed.Instances.Count == 0)
            {
                throw new CliException(ExitCodes.NotFound, $"app '{name}' has no live instance in namespace '{context.Settings.NamespaceShown}'");
            }

            var revision = asked ?? listed.Instances
                .GroupBy(i => i.Revision, StringComparer.Ordinal)
                .OrderByDescending(g => g.Count())
                .ThenBy(g => g.Key, StringComparer.Ordinal)
                .First().Key;
            var candidates = listed.Instances.Where(i => i.Revision == revision).ToList();
            if (candidates.Count == 0)
            {
                throw new CliException(ExitCodes.NotFound, $"no live instance of '{name}' runs revision {revision}");
            }

            var failures = new List<string>();
            var unreachable = 0;
            foreach (var instance in candidates)
            {
                try
                {
                    var info = await FetchAsync(context, instance, revision, ct).ConfigureAwait(false);
                    var problem = Verify(info, name, revision);
                    if (problem is null)
                    {
                        Render(context, name, instance, info);
                        return ExitCodes.Ok;
                    }

                    failures.Add($"{instance.InstanceId}: {problem}");
                }
                catch (RpcException ex) when (!ct.IsCancellationRequested)
                {
                    if (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
                    {
                        unreachable++;
                    }

                    failures.Add($"{instance.InstanceId}: {ex.StatusCode} {CliCommand.OneLine(ex.Status.Detail)}");
                }
            }

            var summary = $"no instance of '{name}' served verified metadata for revision {revision}: {string.Join("; ", failures)}";
            throw new CliException(unreachable == candidates.Count ? ExitCodes.Unreachable : ExitCodes.Other, summary);
        });
        return command;
    }

    private static async Task<MetadataInfo> FetchAsync(CliContext context, Instance instance, string revision, CancellationToken ct)
    {
        // How the instance is dialled is its own statement (the 'scheme' label); absent means plain-text HTTP/2.
        var scheme = instance.Labels.TryGetValue(WireContract.SchemeLabel, out var label) && label == WireContract.SchemeHttps ? "https" : "http";
        using var channel = context.Channels.ForInstance(new Uri($"{scheme}://{CliOutput.Address(instance.Host, instance.Port)}"));
        var client = new MetadataService.MetadataServiceClient(channel);
        return await client.GetMetadataInfoAsync(new GetMetadataInfoRequest { Revision = revision }, deadline: context.Settings.Deadline, cancellationToken: ct).ConfigureAwait(false);
    }

    /// <summary>Null when the answer is the metadata of <paramref name="revision"/>; otherwise what is wrong with it.</summary>
    internal static string? Verify(MetadataInfo info, string app, string revision)
    {
        if (info.Revision != revision)
        {
            return $"answered revision {info.Revision}, asked {revision}";
        }

        if (info.App != app)
        {
            return $"answered app '{info.App}', asked '{app}'";
        }

        try
        {
            var computed = MetadataRevision.Compute(info);
            return computed == revision ? null : $"content hashes to {computed}, not to {revision}";
        }
        catch (ArgumentException ex)
        {
            return "content the revision algorithm rejects: " + CliCommand.OneLine(ex.Message);
        }
    }

    private static void Render(CliContext context, string app, Instance from, MetadataInfo info)
    {
        var services = info.Services.OrderBy(s => s.Name, StringComparer.Ordinal).ThenBy(s => s.Group, StringComparer.Ordinal).ThenBy(s => s.Version, StringComparer.Ordinal).ToList();
        if (context.Output.Json)
        {
            context.Output.Write(new JsonObject
            {
                ["namespace"] = context.Settings.NamespaceShown,
                ["app"] = app,
                ["revision"] = info.Revision,
                ["verified"] = true,
                ["instance"] = from.InstanceId,
                ["services"] = new JsonArray([.. services.Select(s => (JsonNode)new JsonObject
                {
                    ["name"] = s.Name,
                    ["group"] = s.Group,
                    ["version"] = s.Version,
                    ["protocol"] = s.Protocol.Length == 0 ? MetadataRevision.DefaultProtocol : s.Protocol,
                    ["port"] = s.Port,
                    ["path"] = s.Path,
                    ["methods"] = new JsonArray([.. s.Methods.Order(StringComparer.Ordinal).Select(m => (JsonNode)m)]),
                    ["params"] = CliOutput.LabelsJson(s.Params),
                })]),
            });
            return;
        }

        var table = CliOutput.NewTable("service", "group", "version", "protocol", "methods", "params");
        foreach (var s in services)
        {
            CliOutput.AddRow(
                table,
                s.Name,
                s.Group,
                s.Version,
                s.Protocol.Length == 0 ? MetadataRevision.DefaultProtocol : s.Protocol,
                string.Join(", ", s.Methods.Order(StringComparer.Ordinal)),
                CliOutput.Labels(s.Params));
        }

        context.Output.Write(table);
        context.Output.Line($"{app} revision {info.Revision}: verified (the content hashes to it), from instance {from.InstanceId}");
    }
}
