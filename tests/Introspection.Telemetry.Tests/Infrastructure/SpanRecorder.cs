using System.Collections.Concurrent;
using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Introspection.Telemetry.Tests.Infrastructure;

/// <summary>
/// An OpenTelemetry tracer provider with <c>AddIntrospectionInstrumentation()</c> (plus ASP.NET Core's server spans,
/// which the registry and the provider tag) recording every ended span in memory: what a user's exporter would get.
/// (A processor rather than the in-memory exporter's plain list: spans end on many threads at once.)
/// </summary>
public sealed class SpanRecorder : IDisposable
{
    private readonly ConcurrentQueue<Activity> _ended = new();
    private readonly TracerProvider _provider;

    public SpanRecorder()
    {
        _provider = Sdk.CreateTracerProviderBuilder()
            .AddIntrospectionInstrumentation()
            .AddSource("Microsoft.AspNetCore")
            .SetSampler(new AlwaysOnSampler())
            .AddProcessor(new RecordingProcessor(_ended))
            .Build()!;
    }

    /// <summary>Every span ended so far.</summary>
    public IReadOnlyList<Activity> Spans => [.. _ended];

    public IReadOnlyList<Activity> Named(string name) => [.. Spans.Where(a => a.OperationName == name)];

    public IReadOnlyList<Activity> OfIntrospection() => [.. Spans.Where(a => a.Source.Name.StartsWith("Introspection.", StringComparison.Ordinal))];

    public void Dispose() => _provider.Dispose();

    private sealed class RecordingProcessor(ConcurrentQueue<Activity> ended) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data) => ended.Enqueue(data);
    }
}
