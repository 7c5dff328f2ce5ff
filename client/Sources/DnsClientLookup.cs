using System.Net;
using DnsClient;
using DnsClient.Protocol;

namespace Introspection.Client.Sources;

/// <summary>
/// Queries configured nameservers directly for A and AAAA (DnsClient): used when <see cref="DnsServiceOptions.Nameservers"/>
/// is set, for resolvers other than the system's and for tests. Unlike the system resolver it sees record TTLs, which then
/// drive the refresh. DnsClient's own cache is off: the source caches, with its floor and ceiling, in one place.
/// </summary>
internal sealed class DnsClientLookup : IDnsLookup
{
    private readonly LookupClient _client;

    public DnsClientLookup(IReadOnlyList<IPEndPoint> nameservers, TimeSpan timeout)
    {
        _client = new LookupClient(new LookupClientOptions(nameservers.Select(static e => new NameServer(e)).ToArray())
        {
            UseCache = false,
            Timeout = timeout,
            Retries = 1,
            ThrowDnsErrors = false,
            UseTcpFallback = true,
            ContinueOnDnsError = true,
        });
    }

    public async Task<DnsAnswer> LookupAsync(string host, CancellationToken cancellationToken)
    {
        var v4 = _client.QueryAsync(host, QueryType.A, QueryClass.IN, cancellationToken);
        var v6 = _client.QueryAsync(host, QueryType.AAAA, QueryClass.IN, cancellationToken);
        var responses = await Task.WhenAll(v4, v6).ConfigureAwait(false);
        var addresses = new List<IPAddress>();
        TimeSpan? ttl = null;
        var nameExists = true;
        foreach (var response in responses)
        {
            if (response.HasError)
            {
                if (response.Header.ResponseCode == DnsHeaderResponseCode.NotExistentDomain)
                {
                    nameExists = false;
                    continue;
                }

                // SERVFAIL, REFUSED, FORMERR...: the nameserver gave no answer; the caller keeps what it had.
                throw new DnsResponseException((DnsResponseCode)response.Header.ResponseCode, response.ErrorMessage);
            }

            foreach (var record in response.Answers)
            {
                IPAddress? address = record switch
                {
                    ARecord a => a.Address,
                    AaaaRecord aaaa => aaaa.Address,
                    _ => null, // a CNAME on the way: its target's records follow in the same answer
                };
                if (address is null)
                {
                    continue;
                }

                addresses.Add(address);
                var recordTtl = TimeSpan.FromSeconds(Math.Max(0, record.TimeToLive));
                ttl = ttl is { } known && known <= recordTtl ? known : recordTtl;
            }
        }

        return new DnsAnswer(addresses, ttl, nameExists || addresses.Count > 0);
    }
}
