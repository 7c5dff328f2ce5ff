namespace Introspection.Client;

/// <summary>
/// A service taken from DNS (<see cref="ServiceSourceKind.Dns"/>): the A and AAAA records of <see cref="Host"/>, each
/// address dialled on <see cref="Port"/>. Answers are cached and refreshed; a failed lookup keeps the last good answer.
/// </summary>
public sealed class DnsServiceOptions
{
    /// <summary>The name to resolve, e.g. <c>greeter.prod.svc.cluster.local</c> (a Kubernetes Service). Required.</summary>
    public string? Host { get; set; }

    /// <summary>The port every resolved address is called on. Required (DNS A/AAAA records carry no port).</summary>
    public int Port { get; set; }

    /// <summary>
    /// <c>http</c> (h2c) or <c>https</c>: written to each endpoint's <c>scheme</c> label so callers that read it dial
    /// accordingly. Default: <c>null</c> (no label: the client's <see cref="IntrospectionClientOptions.UseTls"/> decides).
    /// </summary>
    public string? Scheme { get; set; }

    /// <summary>
    /// Nameservers to ask (<c>ip</c> or <c>ip:port</c>, port 53 by default), queried directly for A and AAAA records
    /// whose TTLs then drive the refresh. Default: none, meaning the operating system's resolver (which applies
    /// <c>/etc/hosts</c> and the search domains of <c>resolv.conf</c>, as a Kubernetes pod needs for short names, but
    /// reports no TTL: <see cref="RefreshInterval"/> is used instead).
    /// </summary>
    public IList<string> Nameservers { get; } = new List<string>();

    /// <summary>How often the name is resolved again when no TTL is known (the system resolver). Default: 15 seconds.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Floor of the refresh delay taken from record TTLs (a TTL of 0 would otherwise mean a query per call), and the
    /// first retry delay after a failed lookup. Default: 1 second.
    /// </summary>
    public TimeSpan MinRefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Ceiling of the refresh delay taken from record TTLs (a day-long TTL would otherwise hide a moved pod for a day),
    /// and of the retry delay after failed lookups. Default: 60 seconds.
    /// </summary>
    public TimeSpan MaxRefreshInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long one lookup may take before it counts as failed. Default: 2 seconds.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);
}
