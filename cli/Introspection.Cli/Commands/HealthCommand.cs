using System.CommandLine;
using System.Text.Json.Nodes;
using Grpc.Health.V1;

namespace Introspection.Cli.Commands;

/// <summary><c>health</c>: the registry's grpc.health.v1 answers (itself, and whether eviction is paused).</summary>
internal static class HealthCommand
{
    private static readonly (string Service, string Shown)[] s_services =
    [
        ("introspection.registry.v1.Registry", "registry"),
        ("introspection.registry.v1.Registry.Eviction", "eviction"),
    ];

    public static Command Create(CliOptions options)
    {
        var command = new Command("health", "the registry's gRPC health; exit 0 when it serves, 1 when NOT_SERVING");
        CliCommand.SetAction(command, options, async (_, context, ct) =>
        {
            var client = new Health.HealthClient(context.RegistryChannel);
            var results = new List<(string Service, string Shown, HealthCheckResponse.Types.ServingStatus Status)>();
            foreach (var (service, shown) in s_services)
            {
                var response = await client.CheckAsync(new HealthCheckRequest { Service = service }, deadline: context.Settings.Deadline, cancellationToken: ct).ConfigureAwait(false);
                results.Add((service, shown, response.Status));
            }

            var serving = results[0].Status == HealthCheckResponse.Types.ServingStatus.Serving;
            if (context.Output.Json)
            {
                context.Output.Write(new JsonObject
                {
                    ["registry"] = context.Settings.Registry.ToString(),
                    ["serving"] = serving,
                    ["services"] = new JsonArray([.. results.Select(r => (JsonNode)new JsonObject { ["service"] = r.Service, ["status"] = r.Status.ToString().ToUpperInvariant() })]),
                });
            }
            else
            {
                var table = CliOutput.NewTable("check", "status", "meaning");
                foreach (var r in results)
                {
                    CliOutput.AddRow(table, r.Shown, r.Status.ToString().ToUpperInvariant(), Meaning(r.Shown, r.Status));
                }

                context.Output.Write(table);
                context.Output.Line(context.Settings.Registry.ToString());
            }

            return serving ? ExitCodes.Ok : ExitCodes.Other;
        });
        return command;
    }

    private static string Meaning(string check, HealthCheckResponse.Types.ServingStatus status) => (check, status) switch
    {
        ("registry", HealthCheckResponse.Types.ServingStatus.Serving) => "the registry and its store answer",
        ("registry", _) => "the registry's store does not answer",
        (_, HealthCheckResponse.Types.ServingStatus.Serving) => "lapsed leases are evicted normally",
        _ => "self-preservation: eviction is paused (too many leases lapsed at once)",
    };
}
