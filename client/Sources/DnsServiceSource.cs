using System.Net;
using Introspection.Client.Internal;
using Introspection.Protocol;
using Microsoft.Extensions.Logging;

namespace Introspection.Client.Sources;

/// <summary>
/// Keeps the endpoints of one DNS-sourced service: resolves its name, publishes the addresses (on the configured port)
/// into <see cref="Endpoints"/>, and resolves again when the answer's TTL (clamped to the floor and ceiling) or the
/// refresh interval ends. The notes' trade-off of client-side DNS caching, made explicit: a cached answer is fast but
/// may be stale, so the cache lives only as long as its TTL allows. A lookup that fails keeps the last good answer
/// (never an empty list from a transient error) and is retried with backoff; an answer that is suddenly empty is
/// treated like the registry's empty list — kept, with a warning, under empty protection.
/// </summary>
internal sealed partial class DnsServiceSource : IAsyncDisposable
{
    private readonly string _service;
    private readonly DnsServiceOptions _options;
    private readonly string _host;
    private readonly IDnsLookup _lookup;
    private readonly bool _emptyProtection;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Action _changed;
    private readonly IReadOnlyDictionary<string, string> _labels;
    private readonly CancellationTokenSource _stop = new();
    private Task _task = Task.CompletedTask;
    private int _failures;

    public DnsServiceSource(string service, DnsServiceOptions options, IDnsLookup lookup, bool emptyProtection, TimeProvider timeProvider, ILogger logger, Action changed)
    {
        _service = service;
        _options = options;
        _host = options.Host!.TrimEnd('.');
        _lookup = lookup;
        _emptyProtection = emptyProtection;
        _timeProvider = timeProvider;
        _logger = logger;
        _changed = changed;
        _labels = options.Scheme is { Length: > 0 } scheme
            ? new Dictionary<string, string>(StringComparer.Ordinal) { [WireContract.SchemeLabel] = scheme.ToLowerInvariant() }
            : InstanceEndpoint.EmptyLabels;
        Endpoints = new ExternalEndpoints($"DNS name {_host} (port {options.Port})");
    }

    public ExternalEndpoints Endpoints { get; }

    /// <summary>The refresh loop (completed before <see cref="Start"/>).</summary>
    public Task Completion => _task;

    public void Start() => _task = BackgroundWork.Run(() => RunAsync(_stop.Token));

    /// <summary>Creates the lookup the options ask for: DnsClient against the configured nameservers, else the system resolver.</summary>
    public static IDnsLookup CreateLookup(DnsServiceOptions options) =>
        options.Nameservers.Count == 0
            ? SystemDnsLookup.Instance
            : new DnsClientLookup(options.Nameservers.Select(ParseNameserver).ToArray(), options.Timeout);

    /// <summary>Parses <c>ip</c>, <c>ip:port</c> or <c>[v6]:port</c> (port 53 by default); throws <see cref="FormatException"/>.</summary>
    public static IPEndPoint ParseNameserver(string value)
    {
        // IPEndPoint.TryParse reads "ip" as port 0 (IPAddress.TryParse would take "[::1]:5353" and drop the port).
        if (IPEndPoint.TryParse(value.Trim(), out var endpoint))
        {
            return endpoint.Port == 0 ? new IPEndPoint(endpoint.Address, 53) : endpoint;
        }

        throw new FormatException($"Nameserver '{value}' is not an IP address or ip:port.");
    }

    /// <summary>One lookup, applied to <see cref="Endpoints"/>; returns how long until the next one.</summary>
    internal async Task<TimeSpan> RefreshOnceAsync(CancellationToken cancellationToken)
    {
        DnsAnswer answer;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            // DnsClient bounds each query by Timeout per try and server; this bounds the whole lookup, system resolver included.
            timeout.CancelAfter(_options.Timeout * (2 * Math.Max(1, _options.Nameservers.Count)));
            answer = await _lookup.LookupAsync(_host, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var failures = ++_failures;
            var previous = Endpoints.Current;
            var kept = previous?.Endpoints ?? [];
            Log.LookupFailed(_logger, _service, _host, kept.Count, ex.Message, ex);
            Publish(new ExternalAnswer(kept, ex.Message), previous);

            // Backoff from the floor, doubling, up to the ceiling: a dead nameserver is asked rarely, a blip is healed soon.
            var backoff = TimeSpan.FromTicks(Math.Min(_options.MaxRefreshInterval.Ticks, _options.MinRefreshInterval.Ticks << Math.Min(failures - 1, 20)));
            return backoff;
        }

        _failures = 0;
        var endpoints = answer.Addresses
            .Distinct()
            .OrderBy(a => a.AddressFamily)
            .ThenBy(a => a.ToString(), StringComparer.Ordinal)
            .Select(a => new InstanceEndpoint(a.ToString(), _options.Port, string.Empty, string.Empty, string.Empty, _labels))
            .ToArray();
        var current = Endpoints.Current;
        if (endpoints.Length == 0 && _emptyProtection && current is { Endpoints.Count: > 0 })
        {
            Log.EmptyAnswerIgnored(_logger, _service, _host, answer.NameExists ? "no A/AAAA records" : "NXDOMAIN", current.Endpoints.Count);
            Publish(current with { Failure = null }, current);
        }
        else
        {
            if (current is null || !current.Endpoints.SequenceEqual(endpoints))
            {
                Log.Resolved(_logger, _service, _host, endpoints.Length, answer.Ttl?.TotalSeconds ?? -1);
            }

            Publish(new ExternalAnswer(endpoints, null), current);
        }

        var delay = answer.Ttl ?? _options.RefreshInterval;
        return delay < _options.MinRefreshInterval ? _options.MinRefreshInterval
            : delay > _options.MaxRefreshInterval ? _options.MaxRefreshInterval
            : delay;
    }

    private void Publish(ExternalAnswer answer, ExternalAnswer? previous)
    {
        Endpoints.Current = answer;
        if (previous is null || !previous.Endpoints.SequenceEqual(answer.Endpoints) || previous.Failure != answer.Failure)
        {
            _changed();
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                TimeSpan delay;
                try
                {
                    delay = await RefreshOnceAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The loop must outlive anything, or the service would never be refreshed again.
                    Log.LookupFailed(_logger, _service, _host, Endpoints.Current?.Endpoints.Count ?? 0, ex.Message, ex);
                    delay = _options.MaxRefreshInterval;
                }

                await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _task.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }
}
