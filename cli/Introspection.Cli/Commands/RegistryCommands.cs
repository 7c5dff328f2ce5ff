using System.CommandLine;
using System.Text.Json.Nodes;
using Introspection.Protocol.Registry.V1;

namespace Introspection.Cli.Commands;

/// <summary>The plain registry reads and the admin write: apps, instances, lookup, deregister.</summary>
internal static class RegistryCommands
{
    public static Command Apps(CliOptions options)
    {
        var command = new Command("apps", "the apps of the namespace with their live instance counts");
        CliCommand.SetAction(command, options, async (_, context, ct) =>
        {
            var response = await context.Registry.ListAppsAsync(new ListAppsRequest { Namespace = context.Settings.Namespace }, deadline: context.Settings.Deadline, cancellationToken: ct).ConfigureAwait(false);
            if (context.Output.Json)
            {
                context.Output.Write(new JsonObject
                {
                    ["namespace"] = context.Settings.NamespaceShown,
                    ["revision"] = response.Revision,
                    ["apps"] = new JsonArray([.. response.Apps.Select(a => (JsonNode)new JsonObject { ["app"] = a.App, ["instances"] = a.InstanceCount })]),
                });
                return ExitCodes.Ok;
            }

            var table = CliOutput.NewTable("app", "instances");
            foreach (var app in response.Apps)
            {
                CliOutput.AddRow(table, app.App, app.InstanceCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            context.Output.Write(table);
            context.Output.Line($"namespace {context.Settings.NamespaceShown}, {response.Apps.Count} apps, revision {response.Revision}");
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Instances(CliOptions options)
    {
        var app = new Argument<string>("app") { Description = "the app" };
        var command = new Command("instances", "the live instances of one app") { app };
        CliCommand.SetAction(command, options, async (parse, context, ct) =>
        {
            var name = parse.GetValue(app)!;
            var response = await CompactReads.ListInstancesAsync(context, name, ct).ConfigureAwait(false);
            if (response.Instances.Count == 0)
            {
                // The registry answers an empty list for an unknown app; a script wants to know.
                throw new CliException(ExitCodes.NotFound, $"app '{name}' has no live instance in namespace '{context.Settings.NamespaceShown}'");
            }

            if (context.Output.Json)
            {
                context.Output.Write(new JsonObject
                {
                    ["namespace"] = context.Settings.NamespaceShown,
                    ["app"] = name,
                    ["revision"] = response.Revision,
                    ["instances"] = new JsonArray([.. response.Instances.Select(InstanceJson)]),
                });
                return ExitCodes.Ok;
            }

            var table = CliOutput.NewTable("instance", "address", "revision", "labels", "mod revision");
            foreach (var i in response.Instances)
            {
                CliOutput.AddRow(table, i.InstanceId, CliOutput.Address(i.Host, i.Port), CliOutput.Short(i.Revision), CliOutput.Labels(i.Labels), i.ModRevision.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            context.Output.Write(table);
            context.Output.Line($"{name}: {response.Instances.Count} instances, {response.Instances.Select(i => i.Revision).Distinct().Count()} revisions");
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Lookup(CliOptions options)
    {
        var service = new Argument<string>("service") { Description = "full gRPC service name, e.g. greet.Greeter" };
        var command = new Command("lookup", "the apps that provide a gRPC service (service -> app mapping)") { service };
        CliCommand.SetAction(command, options, async (parse, context, ct) =>
        {
            var name = parse.GetValue(service)!;
            var response = await context.Registry.LookupServiceAsync(new LookupServiceRequest { Namespace = context.Settings.Namespace, Service = name }, deadline: context.Settings.Deadline, cancellationToken: ct).ConfigureAwait(false);
            if (response.Apps.Count == 0)
            {
                throw new CliException(ExitCodes.NotFound, $"no app provides service '{name}' in namespace '{context.Settings.NamespaceShown}'");
            }

            if (context.Output.Json)
            {
                context.Output.Write(new JsonObject
                {
                    ["namespace"] = context.Settings.NamespaceShown,
                    ["service"] = name,
                    ["revision"] = response.Revision,
                    ["apps"] = new JsonArray([.. response.Apps.Select(a => (JsonNode)a)]),
                });
                return ExitCodes.Ok;
            }

            var table = CliOutput.NewTable("service", "app");
            foreach (var a in response.Apps)
            {
                CliOutput.AddRow(table, name, a);
            }

            context.Output.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Deregister(CliOptions options)
    {
        var app = new Argument<string>("app") { Description = "the app" };
        var instance = new Argument<string>("instance") { Description = "the instance id" };
        var command = new Command("deregister", "admin: remove an instance and revoke its lease (a live provider registers again)") { app, instance };
        CliCommand.SetAction(command, options, async (parse, context, ct) =>
        {
            var appName = parse.GetValue(app)!;
            var id = parse.GetValue(instance)!;
            var response = await context.Registry.DeregisterAsync(new DeregisterRequest { Namespace = context.Settings.Namespace, App = appName, InstanceId = id }, deadline: context.Settings.Deadline, cancellationToken: ct).ConfigureAwait(false);
            if (context.Output.Json)
            {
                context.Output.Write(new JsonObject { ["namespace"] = context.Settings.NamespaceShown, ["app"] = appName, ["instance"] = id, ["revision"] = response.Revision });
            }
            else
            {
                context.Output.Line($"deregistered {appName}/{id} (revision {response.Revision})");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    public static JsonNode InstanceJson(Instance i) => new JsonObject
    {
        ["app"] = i.App,
        ["instance"] = i.InstanceId,
        ["host"] = i.Host,
        ["port"] = i.Port,
        ["revision"] = i.Revision,
        ["labels"] = CliOutput.LabelsJson(i.Labels),
        ["modRevision"] = i.ModRevision,
    };
}
