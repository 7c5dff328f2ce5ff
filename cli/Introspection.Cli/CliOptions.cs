using System.CommandLine;

namespace Introspection.Cli;

/// <summary>The options every command takes (recursive on the root command).</summary>
internal sealed class CliOptions
{
    public Option<string?> Registry { get; } = new("--registry", "-r")
    {
        Description = "registry address (env INTROSPECT_REGISTRY, config 'registry'; default " + CliSettings.DefaultRegistry + ")",
        Recursive = true,
    };

    public Option<string?> Namespace { get; } = new("--namespace", "-n")
    {
        Description = "namespace (config 'namespace'; default: the default namespace)",
        Recursive = true,
    };

    public Option<string?> Output { get; } = new("--output", "-o")
    {
        Description = "table (for people, default) or json (for scripts)",
        Recursive = true,
    };

    public Option<string?> Config { get; } = new("--config")
    {
        Description = "config file (default ~/.config/introspect/config.json when it exists)",
        Recursive = true,
    };

    public Option<string?> CaFile { get; } = new("--ca-file")
    {
        Description = "PEM file of the CA that signed the registry's (and providers') certificates",
        Recursive = true,
    };

    public Option<string?> Cert { get; } = new("--cert")
    {
        Description = "PEM client certificate for mutual TLS (with --key)",
        Recursive = true,
    };

    public Option<string?> Key { get; } = new("--key")
    {
        Description = "PEM private key of --cert",
        Recursive = true,
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = "bearer token (env INTROSPECT_TOKEN); sent as 'authorization: Bearer', only over https",
        Recursive = true,
    };

    public Option<double> Timeout { get; } = new("--timeout")
    {
        Description = "seconds to wait for each answer",
        DefaultValueFactory = _ => 10,
        Recursive = true,
    };

    public void AddTo(Command root)
    {
        root.Options.Add(Registry);
        root.Options.Add(Namespace);
        root.Options.Add(Output);
        root.Options.Add(Config);
        root.Options.Add(CaFile);
        root.Options.Add(Cert);
        root.Options.Add(Key);
        root.Options.Add(Token);
        root.Options.Add(Timeout);
    }
}
