using System.Net;
using System.Net.Sockets;
using Introspection.Registry.Leases;
using Introspection.Registry.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Introspection.Registry.Tests.Leases;

/// <summary>The real prober against a real socket, its timeout on the injected clock.</summary>
public sealed class InstanceProberTests
{
    [Fact]
    public async Task ProbeAsync_PeerNeverAnswers_TimeoutWhenInjectedClockPassesTimeout()
    {
        // Accepts TCP connections (the kernel's backlog) but never speaks HTTP/2: the call hangs
        // until the probe's own timeout ends it.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var options = Options.Create(new RegistryOptions { Leases = { Probe = { Timeout = TimeSpan.FromMinutes(5) } } });
        using var prober = new InstanceProber(options, time);

        var probe = prober.ProbeAsync("127.0.0.1", port, CancellationToken.None);
        await Task.Delay(300);
        Assert.False(probe.IsCompleted, "the probe ended before its timeout passed on the injected clock");

        // Five minutes on the fake clock, well past TestTimeouts.Long on the real one: only the injected
        // clock can end the probe in time.
        time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(ProbeOutcome.Timeout, await probe.WaitAsync(TestTimeouts.Long));
    }

    [Fact]
    public async Task ProbeAsync_RefusedPort_Unreachable()
    {
        var port = FreePort.Get();
        using var prober = new InstanceProber(Options.Create(new RegistryOptions()), new FakeTimeProvider());

        Assert.Equal(ProbeOutcome.Unreachable, await prober.ProbeAsync("127.0.0.1", port, CancellationToken.None).WaitAsync(TestTimeouts.Long));
    }
}
