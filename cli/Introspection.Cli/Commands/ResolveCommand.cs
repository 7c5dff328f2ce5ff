using System.CommandLine;
using System.Text.Json.Nodes;
using Introspection.Client;
using Introspection.Protocol.Registry.V1;
using Microsoft.Extensions.Options;

namespace Introspection.Cli.Commands;

/// <summary>
/// <c>resolve &lt;service&gt;</c>: what a consumer would get, computed by the client library itself
/// (<see cref="IntrospectionClient.ResolveAsync(ServiceTarget, CancellationToken)"/>: mapping → instances →
/// verified metadata → the instances exposing the service with the asked group and version).
/// </summary>
internal static class ResolveCommand
{
    public static Command Create(CliOptions options)
    {
        var service = new Argument<string>("service") { Description = "full gRPC service name, e.g. greet.Greeter" };
        var group = new Option<string?>("--group") { Description = "only providers of this group" };
        var version = new Option<string?>("--version") { Description = "only providers of this version" };
        var app = new Option<string?>("--app") { Description = "only this app (skips the service -> app mapping)" };
        var command = new Command("resolve", "the endpoints a consumer would call for a service, through the client library") { service, group, version, app };
        CliCommand.SetAction(command, options, async (parse, context, ct) =>
        {
            var name = parse.GetValue(service)!;
            ServiceTarget target;
            try
            {
                target = new ServiceTarget(name, parse.GetValue(group), parse.GetValue(version), parse.GetValue(app));
            }
            catch (ArgumentException ex)
            {
                throw new CliException(ExitCodes.Usage, ex.Message);
            }

            // Asked first with the CLI's own deadline: an unreachable registry or an unmapped service answers in
            // seconds with its own exit code, instead of after the client's resolve timeout.
            if (target.App is null)
            {
                var mapped = await context.Registry.LookupServiceAsync(new LookupServiceRequest { Namespace = context.Settings.Namespace, Service = name }, deadline: context.Settings.Deadline, cancellationToken: ct).ConfigureAwait(false);
                if (mapped.Apps.Count == 0)
                {
                    throw new CliException(ExitCodes.NotFound, $"no app provides service '{name}' in namespace '{context.Settings.NamespaceShown}'");
                }
            }

            var clientOptions = new IntrospectionClientOptions
            {
                Namespace = context.Settings.Namespace,
                EnableSnapshot = false,
                ResolveTimeout = context.Settings.Timeout,
                RegistryCallTimeout = context.Settings.Timeout,
                MetadataFetchTimeout = context.Settings.Timeout,
                RegistryChannel = context.Channels.RegistryChannelOptions(),
            };
            clientOptions.Registries.Add(context.Settings.Registry.ToString());
            await using var client = new IntrospectionClient(Options.Create(clientOptions));
            await client.StartAsync(ct).ConfigureAwait(false);
            var endpoints = await client.ResolveAsync(target, ct).ConfigureAwait(false);
            if (context.Output.Json)
            {
                context.Output.Write(new JsonObject
                {
                    ["namespace"] = context.Settings.NamespaceShown,
                    ["target"] = target.ToString(),
                    ["endpoints"] = new JsonArray([.. endpoints.Select(e => (JsonNode)new JsonObject
                    {
                        ["app"] = e.App,
                        ["instance"] = e.InstanceId,
                        ["host"] = e.Host,
                        ["port"] = e.Port,
                        ["revision"] = e.Revision,
                        ["labels"] = CliOutput.LabelsJson(e.Labels),
                    })]),
                });
                return ExitCodes.Ok;
            }

            var table = CliOutput.NewTable("app", "instance", "address", "revision", "labels");
            foreach (var e in endpoints.OrderBy(e => e.App, StringComparer.Ordinal).ThenBy(e => e.InstanceId, StringComparer.Ordinal))
            {
                CliOutput.AddRow(table, e.App, e.InstanceId, CliOutput.Address(e.Host, e.Port), CliOutput.Short(e.Revision), CliOutput.Labels(e.Labels));
            }

            context.Output.Write(table);
            context.Output.Line($"{target}: {endpoints.Count} endpoints");
            return ExitCodes.Ok;
        });
        return command;
    }
}
