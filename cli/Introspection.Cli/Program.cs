using System.CommandLine;
using Introspection.Cli;
using Introspection.Cli.Commands;

// introspect: see README.md for commands, settings and exit codes.
var options = new CliOptions();
var root = new RootCommand("introspect: look into an Introspection registry (apps, instances, metadata, resolution, live changes).");
options.AddTo(root);
root.Subcommands.Add(RegistryCommands.Apps(options));
root.Subcommands.Add(RegistryCommands.Instances(options));
root.Subcommands.Add(RegistryCommands.Lookup(options));
root.Subcommands.Add(MetadataCommand.Create(options));
root.Subcommands.Add(ResolveCommand.Create(options));
root.Subcommands.Add(WatchCommand.Create(options));
root.Subcommands.Add(HealthCommand.Create(options));
root.Subcommands.Add(RegistryCommands.Deregister(options));

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    // Usage errors: one line each on stderr, exit 2 (System.CommandLine's own default is 1, which means "other" here).
    foreach (var error in parse.Errors)
    {
        CliCommand.Fail(ExitCodes.Usage, error.Message);
    }

    Console.Error.WriteLine("introspect: see 'introspect --help'");
    return ExitCodes.Usage;
}

return await parse.InvokeAsync().ConfigureAwait(false);
