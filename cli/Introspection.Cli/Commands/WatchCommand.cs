using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Grpc.Core;
using Introspection.Protocol.Registry.V1;
using Spectre.Console;

namespace Introspection.Cli.Commands;

/// <summary>
/// <c>watch [apps…]</c>: the registry's Watch stream, until Ctrl+C (exit 0). On a terminal a live table; when the
/// output is a pipe, the table once and then one line per change; with <c>--output json</c> one JSON document per
/// line (the snapshot, then every PUT and DELETE).
/// </summary>
internal static class WatchCommand
{
    public static Command Create(CliOptions options)
    {
        var apps = new Argument<string[]>("apps") { Description = "apps to watch (default: every app of the namespace)", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("watch", "live instances until Ctrl+C") { apps };
        CliCommand.SetAction(command, options, async (parse, context, ct) =>
        {
            var request = new WatchRequest { Namespace = context.Settings.Namespace, Compact = true };
            request.Apps.Add(parse.GetValue(apps) ?? []);
            // No deadline: the stream lives until Ctrl+C. The first answer (the snapshot) must come in time, though.
            using var call = context.Registry.Watch(request, cancellationToken: ct);
            var stream = new ExpandingWatchReader(call.ResponseStream);
            var view = new SortedDictionary<(string App, string Id), Instance>();
            using (var first = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                first.CancelAfter(context.Settings.Timeout);
                try
                {
                    if (!await stream.MoveNext(first.Token).ConfigureAwait(false))
                    {
                        throw new CliException(ExitCodes.Unreachable, "the registry closed the watch before its snapshot");
                    }
                }
                catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && !ct.IsCancellationRequested)
                {
                    throw new CliException(ExitCodes.Unreachable, $"no watch snapshot within {context.Settings.Timeout.TotalSeconds:0.#} s");
                }
            }

            if (context.Output.Json || !context.Output.IsInteractive)
            {
                await StreamLinesAsync(context, stream, view, ct).ConfigureAwait(false);
            }
            else
            {
                await StreamLiveAsync(context, stream, view, ct).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task StreamLinesAsync(CliContext context, IAsyncStreamReader<WatchResponse> stream, SortedDictionary<(string App, string Id), Instance> view, CancellationToken ct)
    {
        do
        {
            var message = stream.Current;
            if (message.Kind == WatchResponseKind.Snapshot)
            {
                Apply(view, message);
                if (context.Output.Json)
                {
                    context.Output.WriteLine(new JsonObject
                    {
                        ["kind"] = "snapshot",
                        ["revision"] = message.Revision,
                        ["reset"] = message.Reset,
                        ["instances"] = new JsonArray([.. view.Values.Select(RegistryCommands.InstanceJson)]),
                    });
                }
                else
                {
                    context.Output.Write(Table(view, message.Revision));
                }

                continue;
            }

            foreach (var change in message.Events)
            {
                if (change.Type is not (WatchEventType.Put or WatchEventType.Delete))
                {
                    continue;
                }

                ApplyEvent(view, change);
                var put = change.Type == WatchEventType.Put;
                if (context.Output.Json)
                {
                    context.Output.WriteLine(new JsonObject
                    {
                        ["kind"] = put ? "put" : "delete",
                        ["revision"] = change.Revision,
                        ["instance"] = RegistryCommands.InstanceJson(change.Instance),
                    });
                }
                else
                {
                    var i = change.Instance;
                    context.Output.Line(put
                        ? $"PUT    {i.App}/{i.InstanceId} {CliOutput.Address(i.Host, i.Port)} revision {CliOutput.Short(i.Revision)} {CliOutput.Labels(i.Labels)}".TrimEnd()
                        : $"DELETE {i.App}/{i.InstanceId}");
                    System.Console.Out.Flush();
                }
            }
        }
        while (await stream.MoveNext(ct).ConfigureAwait(false));

        throw new CliException(ExitCodes.Unreachable, "the registry ended the watch stream");
    }

    private static async Task StreamLiveAsync(CliContext context, IAsyncStreamReader<WatchResponse> stream, SortedDictionary<(string App, string Id), Instance> view, CancellationToken ct)
    {
        Apply(view, stream.Current);
        var ended = false;
        await context.Output.Console.Live(Table(view, stream.Current.Revision)).StartAsync(async live =>
        {
            while (await stream.MoveNext(ct).ConfigureAwait(false))
            {
                Apply(view, stream.Current);
                live.UpdateTarget(Table(view, stream.Current.Revision));
                live.Refresh();
            }

            ended = true;
        }).ConfigureAwait(false);
        if (ended)
        {
            throw new CliException(ExitCodes.Unreachable, "the registry ended the watch stream");
        }
    }

    private static void Apply(SortedDictionary<(string App, string Id), Instance> view, WatchResponse message)
    {
        if (message.Kind == WatchResponseKind.Snapshot)
        {
            view.Clear();
            foreach (var i in message.Instances)
            {
                view[(i.App, i.InstanceId)] = i;
            }

            return;
        }

        foreach (var change in message.Events)
        {
            ApplyEvent(view, change);
        }
    }

    private static void ApplyEvent(SortedDictionary<(string App, string Id), Instance> view, WatchEvent change)
    {
        if (change.Type == WatchEventType.Put)
        {
            view[(change.Instance.App, change.Instance.InstanceId)] = change.Instance;
        }
        else if (change.Type == WatchEventType.Delete)
        {
            view.Remove((change.Instance.App, change.Instance.InstanceId));
        }
    }

    private static Table Table(SortedDictionary<(string App, string Id), Instance> view, long revision)
    {
        var table = CliOutput.NewTable("app", "instance", "address", "revision", "labels");
        foreach (var i in view.Values)
        {
            CliOutput.AddRow(table, i.App, i.InstanceId, CliOutput.Address(i.Host, i.Port), CliOutput.Short(i.Revision), CliOutput.Labels(i.Labels));
        }

        table.Caption = new TableTitle(Markup.Escape($"{view.Count} instances, revision {revision.ToString(CultureInfo.InvariantCulture)} (Ctrl+C to stop)"));
        return table;
    }
}
