using Grpc.Net.Client;
using RegistryClient = Introspection.Protocol.Registry.V1.Registry.RegistryClient;

namespace Introspection.Cli;

/// <summary>What a command runs with: its settings, the output, and a channel to the registry (created on first use).</summary>
internal sealed class CliContext : IDisposable
{
    private GrpcChannel? _registryChannel;

    public CliContext(CliSettings settings)
    {
        Settings = settings;
        Channels = new CliChannels(settings);
        Output = new CliOutput(settings.Json);
    }

    public CliSettings Settings { get; }

    public CliChannels Channels { get; }

    public CliOutput Output { get; }

    public GrpcChannel RegistryChannel => _registryChannel ??= Channels.ForRegistry();

    public RegistryClient Registry => new(RegistryChannel);

    public void Dispose() => _registryChannel?.Dispose();
}
