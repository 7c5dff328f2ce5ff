using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using Introspection.Telemetry.Tests.Infrastructure;

namespace Introspection.Telemetry.Tests;

/// <summary>
/// Every instrument of every Introspection meter, enumerated from a running registry, provider and consumer (so
/// an instrument added later is checked too), against OpenTelemetry's naming rules; and every attribute recorded
/// meanwhile against the one-prefix rule.
/// </summary>
public sealed partial class InstrumentNamingTests
{
    /// <summary>Attributes of other conventions we use on purpose (semantic-convention names, not ours to prefix).</summary>
    private static readonly HashSet<string> s_semanticConventionAttributes = ["network.io.direction", "error.type"];

    /// <summary>UCUM units we use; anything else must be an annotation such as <c>{instance}</c>.</summary>
    private static readonly HashSet<string> s_units = ["s", "By", "1"];

    [GeneratedRegex(@"^introspection\.(client|registrar|provider|registry)(\.[a-z][a-z0-9_]*)+$")]
    private static partial Regex InstrumentName();

    [GeneratedRegex(@"^\{[a-z_]+\}$")]
    private static partial Regex Annotation();

    [Fact]
    public async Task EveryInstrument_FollowsOpenTelemetryNamingRules()
    {
        using var recorder = new MeasurementRecorder();
        await using (var scenario = await TelemetryScenario.StartAsync())
        {
            await scenario.CallUntilServedAsync();
            await Poll.UntilAsync(() => recorder.Instruments.Select(i => i.Meter.Name).Distinct().Count() == 4, TestTimeouts.Condition, "all four meters published instruments");
        }

        var instruments = recorder.Instruments.GroupBy(i => (i.Meter.Name, i.Name)).Select(g => g.First()).ToArray();
        var problems = new List<string>();
        foreach (var instrument in instruments)
        {
            problems.AddRange(Check(instrument).Select(p => $"{instrument.Meter.Name} {instrument.Name}: {p}"));
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        // The four duration histograms the issue asks for are among them.
        Assert.Contains(instruments, i => i.Name == "introspection.client.metadata.fetch.duration");
        Assert.Contains(instruments, i => i.Name == "introspection.registrar.registration.duration");
        Assert.Contains(instruments, i => i.Name == "introspection.client.watch.apply.lag");
        Assert.Contains(instruments, i => i.Name == "introspection.registry.watch.delivery.lag");
        Assert.True(instruments.Length >= 25, $"only {instruments.Length} instruments were published");
    }

    [Fact]
    public async Task EveryAttribute_HasTheIntrospectionPrefix()
    {
        using var recorder = new MeasurementRecorder();
        await using (var scenario = await TelemetryScenario.StartAsync())
        {
            await scenario.CallUntilServedAsync();
            await scenario.AddInstanceAsync();
            await Poll.UntilAsync(() => recorder.Of("introspection.registry.watch.delivery.lag").Any(), TestTimeouts.Condition, "a change was delivered");
        }

        var keys = recorder.Measurements.SelectMany(m => m.Tags.Select(t => (m.Instrument.Name, t.Key))).Distinct().ToArray();
        Assert.NotEmpty(keys);
        var bad = keys.Where(k => !k.Key.StartsWith("introspection.", StringComparison.Ordinal) && !s_semanticConventionAttributes.Contains(k.Key)).ToArray();
        Assert.True(bad.Length == 0, "attributes without the introspection. prefix: " + string.Join(", ", bad.Select(b => $"{b.Name}[{b.Key}]")));
    }

    [Fact]
    public void NamingRules_CatchTheOldNames()
    {
        // The checks themselves must bite: names this project used before the rename fail them.
        using var meter = new Meter("Introspection.Registry.RuleCheck");
        Assert.NotEmpty(Check(meter.CreateUpDownCounter<long>("introspection.registry.watchers", "{watcher}", "d")));
        Assert.NotEmpty(Check(meter.CreateCounter<long>("introspection.registry.bytes_pushed_total", "By", "d")));
        Assert.NotEmpty(Check(meter.CreateHistogram<double>("introspection.client.metadata.fetch.duration", "ms", "d")));
        Assert.NotEmpty(Check(meter.CreateHistogram<double>("introspection.client.metadata.fetch.duration", "s", "d")));
        Assert.NotEmpty(Check(meter.CreateObservableGauge("introspection.registry.instances", () => 1L, "{instance}", "d")));
        Assert.NotEmpty(Check(meter.CreateCounter<long>("Introspection.Registry.Registrations", "{registration}", "d")));
        Assert.Empty(Check(meter.CreateCounter<long>("introspection.registry.registrations", "{registration}", "d")));
    }

    private static IEnumerable<string> Check(Instrument instrument)
    {
        var name = instrument.Name;
        if (!InstrumentName().IsMatch(name))
        {
            yield return "not lowercase dotted under introspection.<library>.";
        }
        else if (!name.StartsWith(instrument.Meter.Name.Split('.')[0].ToLowerInvariant() + "." + instrument.Meter.Name.Split('.')[1].ToLowerInvariant() + ".", StringComparison.Ordinal))
        {
            yield return $"not under its meter's namespace ({instrument.Meter.Name})";
        }

        var segments = name.Split('.');
        var last = segments[^1];
        if (segments.Any(s => s == "total" || s.EndsWith("_total", StringComparison.Ordinal)))
        {
            yield return "uses 'total'";
        }

        if (string.IsNullOrWhiteSpace(instrument.Description))
        {
            yield return "no description";
        }

        var unit = instrument.Unit;
        if (unit is null || (!s_units.Contains(unit) && !Annotation().IsMatch(unit)))
        {
            yield return $"unit '{unit}' is neither UCUM (s, By, 1) nor an annotation like {{instance}}";
        }

        var kind = instrument.GetType().GetGenericTypeDefinition();
        if (kind == typeof(UpDownCounter<>) || kind == typeof(ObservableUpDownCounter<>) || kind == typeof(ObservableGauge<>) || kind == typeof(Gauge<>))
        {
            if (last.EndsWith('s'))
            {
                yield return "UpDownCounters and gauges are not pluralised (use .count)";
            }
        }
        else if (kind == typeof(Counter<>) || kind == typeof(ObservableCounter<>))
        {
            if (unit is not null && Annotation().IsMatch(unit) && !last.EndsWith('s'))
            {
                yield return "a counter of things (unit {x}) is plural";
            }
        }
        else if (kind == typeof(Histogram<>))
        {
            if (unit != "s" || !(last == "duration" || last == "lag"))
            {
                yield return "a histogram of time is named .duration or .lag, in seconds";
            }

            var boundaries = instrument is Histogram<double> h ? h.Advice?.HistogramBucketBoundaries : null;
            if (boundaries is null || boundaries.Count < 5 || !boundaries.Zip(boundaries.Skip(1)).All(p => p.First < p.Second))
            {
                yield return "no explicit, ascending bucket advice";
            }
        }
    }
}
