using System.Net;
using System.Net.Sockets;

namespace Introspection.Client.Sources;

/// <summary>
/// The operating system's resolver (<see cref="Dns.GetHostAddressesAsync(string, CancellationToken)"/>): the default,
/// because it is what every other process in the pod uses — <c>/etc/hosts</c>, <c>nsswitch</c>, and above all the
/// search domains and <c>ndots</c> of <c>resolv.conf</c> that make a Kubernetes short name (<c>greeter</c>,
/// <c>greeter.prod</c>) resolve. It reports no TTL, so the caller refreshes on a fixed interval.
/// </summary>
internal sealed class SystemDnsLookup : IDnsLookup
{
    public static SystemDnsLookup Instance { get; } = new();

    public async Task<DnsAnswer> LookupAsync(string host, CancellationToken cancellationToken)
    {
        try
        {
            var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
            return new DnsAnswer(addresses, Ttl: null, NameExists: true);
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.HostNotFound or SocketError.NoData)
        {
            // EAI_NONAME / EAI_NODATA: the resolver answered that the name has no address. Anything else (TryAgain,
            // timeouts) is no answer at all and propagates as a failed lookup.
            return new DnsAnswer([], Ttl: null, NameExists: ex.SocketErrorCode == SocketError.NoData);
        }
    }
}
