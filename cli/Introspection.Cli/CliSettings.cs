using System.CommandLine;
using Introspection.Protocol;

namespace Introspection.Cli;

/// <summary>
/// Settings after precedence: command line, then environment (<c>INTROSPECT_REGISTRY</c>, <c>INTROSPECT_TOKEN</c>),
/// then the config file, then defaults.
/// </summary>
internal sealed class CliSettings
{
    public const string DefaultRegistry = "http://127.0.0.1:5300";
    public const string RegistryVariable = "INTROSPECT_REGISTRY";
    public const string TokenVariable = "INTROSPECT_TOKEN";

    public required Uri Registry { get; init; }

    /// <summary>As sent on the wire: empty means the default namespace.</summary>
    public required string Namespace { get; init; }

    /// <summary>As shown: "default" for the default namespace.</summary>
    public string NamespaceShown => Namespace.Length == 0 ? WireContract.DefaultNamespace : Namespace;

    public required bool Json { get; init; }

    public string? CaFile { get; init; }

    public string? CertFile { get; init; }

    public string? KeyFile { get; init; }

    public string? Token { get; init; }

    public required TimeSpan Timeout { get; init; }

    public DateTime Deadline => DateTime.UtcNow + Timeout;

    public static CliSettings From(ParseResult parse, CliOptions options)
    {
        var config = CliConfigFile.Load(parse.GetValue(options.Config));
        var registryText = parse.GetValue(options.Registry) ?? NonEmpty(Environment.GetEnvironmentVariable(RegistryVariable)) ?? config.Get("registry") ?? DefaultRegistry;
        if (!Uri.TryCreate(registryText, UriKind.Absolute, out var registry) || registry.Scheme is not ("http" or "https"))
        {
            throw new CliException(ExitCodes.Usage, $"registry address '{registryText}' must be an absolute http:// or https:// URL");
        }

        var ns = parse.GetValue(options.Namespace) ?? config.Get("namespace") ?? string.Empty;
        if (ns.Length > 0 && !WireContract.TryValidateNamespace("--namespace", ns, out var nsError))
        {
            throw new CliException(ExitCodes.Usage, nsError);
        }

        var output = (parse.GetValue(options.Output) ?? config.Get("output") ?? "table").ToLowerInvariant();
        if (output is not ("table" or "json"))
        {
            throw new CliException(ExitCodes.Usage, $"--output takes table or json, not '{output}'");
        }

        var timeout = parse.GetValue(options.Timeout);
        if (!(timeout > 0 && timeout <= 3600))
        {
            throw new CliException(ExitCodes.Usage, "--timeout takes seconds, more than 0 and at most 3600");
        }

        var settings = new CliSettings
        {
            Registry = registry,
            Namespace = ns == WireContract.DefaultNamespace ? string.Empty : ns,
            Json = output == "json",
            CaFile = parse.GetValue(options.CaFile) ?? config.Get("caFile"),
            CertFile = parse.GetValue(options.Cert) ?? config.Get("cert"),
            KeyFile = parse.GetValue(options.Key) ?? config.Get("key"),
            Token = parse.GetValue(options.Token) ?? NonEmpty(Environment.GetEnvironmentVariable(TokenVariable)) ?? config.Get("token"),
            Timeout = TimeSpan.FromSeconds(timeout),
        };
        settings.Check();
        return settings;
    }

    private void Check()
    {
        if (Token is not null && Registry.Scheme != Uri.UriSchemeHttps)
        {
            // A bearer token in clear text is a credential handed to anyone on the path.
            throw new CliException(ExitCodes.Usage, $"a token is only sent over https; the registry address is {Registry}");
        }

        if ((CertFile is null) != (KeyFile is null))
        {
            throw new CliException(ExitCodes.Usage, "--cert and --key go together");
        }

        foreach (var (name, path) in new[] { ("--ca-file", CaFile), ("--cert", CertFile), ("--key", KeyFile) })
        {
            if (path is not null && !File.Exists(path))
            {
                throw new CliException(ExitCodes.Usage, $"{name} '{path}' does not exist");
            }
        }

        if ((CaFile is not null || CertFile is not null) && Registry.Scheme != Uri.UriSchemeHttps)
        {
            throw new CliException(ExitCodes.Usage, $"--ca-file/--cert need an https registry address; it is {Registry}");
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
