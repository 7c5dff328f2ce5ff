using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Introspection.Client.Internal;

/// <summary>
/// Starts the client with the host and discovers the configured services eagerly: when one of them cannot be
/// discovered within <see cref="IntrospectionClientOptions.StartupTimeout"/>, startup fails (the app does not
/// start half-blind).
/// </summary>
internal sealed class IntrospectionClientHostedService(IntrospectionClient client, IOptions<IntrospectionClientOptions> options, TimeProvider timeProvider) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await client.StartAsync(cancellationToken).ConfigureAwait(false);
        var settings = options.Value;
        if (settings.Services.Count == 0)
        {
            return;
        }

        var targets = settings.Services.Select(ServiceTarget.Parse).ToArray();
        // On the injected clock, like every other timeout of the client.
        using var startupTimeout = new CancellationTokenSource(settings.StartupTimeout, timeProvider);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, startupTimeout.Token);
        var failures = new List<string>();
        await Task.WhenAll(targets.Select(async target =>
        {
            try
            {
                await client.ResolveAsync(target, timeout.Token).ConfigureAwait(false);
            }
            catch (RpcException ex)
            {
                lock (failures)
                {
                    failures.Add($"{target}: {ex.Status.Detail}");
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                lock (failures)
                {
                    failures.Add($"{target}: not discovered within {settings.StartupTimeout}");
                }
            }
        })).ConfigureAwait(false);

        if (failures.Count > 0)
        {
            throw new InvalidOperationException(
                $"Introspection client: eager discovery failed for {failures.Count} of {targets.Length} configured services "
                + $"({IntrospectionClientOptions.SectionName}:Services): {string.Join("; ", failures)}");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
