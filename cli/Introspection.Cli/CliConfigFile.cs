using System.Text.Json;
using System.Text.Json.Nodes;

namespace Introspection.Cli;

/// <summary>
/// The optional config file: <c>--config PATH</c>, else <c>~/.config/introspect/config.json</c> when it exists.
/// Keys: <c>registry</c>, <c>namespace</c>, <c>output</c>, <c>caFile</c>, <c>cert</c>, <c>key</c>, <c>token</c>.
/// </summary>
internal sealed class CliConfigFile
{
    private readonly JsonObject _root;

    private CliConfigFile(JsonObject root, string? path)
    {
        _root = root;
        Path = path;
    }

    public string? Path { get; }

    public static string DefaultPath =>
        System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.DoNotVerify), "introspect", "config.json");

    public static CliConfigFile Load(string? explicitPath)
    {
        var path = explicitPath ?? DefaultPath;
        if (!File.Exists(path))
        {
            if (explicitPath is not null)
            {
                throw new CliException(ExitCodes.Usage, $"config file '{explicitPath}' does not exist");
            }

            return new CliConfigFile([], null);
        }

        try
        {
            var node = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return node is JsonObject root
                ? new CliConfigFile(root, path)
                : throw new CliException(ExitCodes.Usage, $"config file '{path}' must hold a JSON object");
        }
        catch (JsonException ex)
        {
            throw new CliException(ExitCodes.Usage, $"config file '{path}' is not valid JSON: {ex.Message}");
        }
    }

    public string? Get(string key)
    {
        if (!_root.TryGetPropertyValue(key, out var value) || value is null)
        {
            return null;
        }

        return value.GetValueKind() == JsonValueKind.String
            ? value.GetValue<string>()
            : throw new CliException(ExitCodes.Usage, $"config file '{Path}': '{key}' must be a string");
    }
}
