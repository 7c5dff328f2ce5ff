using System.Diagnostics.Metrics;
using Introspection.Protocol.Registry.V1;
using Introspection.Registry.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Introspection.Registry.Tests.Functional;

public sealed class MetricsTests
{
    [Fact]
    public async Task Meter_RegisterRenewWatch_InstrumentsRecord()
    {
        await using var server = await RegistryHost.StartAsync();
        var meterFactory = server.Services.GetRequiredService<IMeterFactory>();
        using var registrations = new MetricCollector<long>(meterFactory, RegistryMetricNames.MeterName, RegistryMetricNames.Registrations);
        using var renewals = new MetricCollector<long>(meterFactory, RegistryMetricNames.MeterName, RegistryMetricNames.Renewals);
        using var events = new MetricCollector<long>(meterFactory, RegistryMetricNames.MeterName, RegistryMetricNames.EventsPushed);
        using var bytes = new MetricCollector<long>(meterFactory, RegistryMetricNames.MeterName, RegistryMetricNames.BytesPushed);
        using var watchers = new MetricCollector<long>(meterFactory, RegistryMetricNames.MeterName, RegistryMetricNames.Watchers);
        using var instances = new MetricCollector<long>(meterFactory, RegistryMetricNames.MeterName, RegistryMetricNames.Instances);

        using var cts = new CancellationTokenSource(TestTimeouts.Long);
        using var watch = server.Client.Watch(new WatchRequest(), cancellationToken: cts.Token);
        Assert.True(await watch.ResponseStream.MoveNext(cts.Token));
        var lease = (await server.Client.RegisterAsync(Instances.Register(), deadline: DateTime.UtcNow.Add(TestTimeouts.Long))).LeaseId;
        Assert.True(await watch.ResponseStream.MoveNext(cts.Token));
        using (var call = server.Client.KeepAlive(deadline: DateTime.UtcNow.Add(TestTimeouts.Long)))
        {
            await call.RequestStream.WriteAsync(new KeepAliveRequest { LeaseId = lease });
            Assert.True(await call.ResponseStream.MoveNext(cts.Token));
            await call.RequestStream.CompleteAsync();
        }

        Assert.Equal(1, registrations.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(1, renewals.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(1, watchers.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.True(events.GetMeasurementSnapshot().EvaluateAsCounter() >= 1);
        Assert.True(bytes.GetMeasurementSnapshot().EvaluateAsCounter() > 0);
        await Poll.UntilAsync(() =>
        {
            instances.RecordObservableInstruments();
            return instances.LastMeasurement?.Value == 1;
        }, because: "the sweep counted one instance");
    }
}
