namespace Introspection.Registry;

/// <summary>
/// <c>Introspection:Registry:Telemetry:Prometheus</c>: the registry host's Prometheus scrape endpoint, off by
/// default. It serves the <c>Introspection.*</c> meters only: counts, gauges and latency histograms, no addresses,
/// instance ids, labels or lease ids (attributes are results, lease states, limit names, registry addresses).
/// </summary>
public sealed class RegistryPrometheusOptions
{
    /// <summary>The configuration section: <c>Introspection:Registry:Telemetry:Prometheus</c>.</summary>
    public const string SectionName = "Introspection:Registry:Telemetry:Prometheus";

    /// <summary>Serve the scrape endpoint. Default: false.</summary>
    public bool Enabled { get; set; }

    /// <summary>The path of the scrape endpoint. Default: <c>/metrics</c>.</summary>
    public string Path { get; set; } = "/metrics";

    /// <summary>
    /// Serve the endpoint only on connections to this local port (an extra Kestrel endpoint, typically loopback and
    /// <c>Http1</c>, which Prometheus speaks), never on the gRPC port. Default: unset, every endpoint serves it
    /// (the registry's own endpoint speaks cleartext HTTP/2 only, which a Prometheus server does not).
    /// </summary>
    public int? Port { get; set; }
}
