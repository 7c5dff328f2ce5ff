using System.Net;

namespace Introspection.Client.Sources;

/// <summary>
/// A lookup's answer: the addresses, the smallest record TTL (null when the resolver reports none), and whether the
/// name exists (false: NXDOMAIN). An answer is authoritative; a lookup that got none throws instead.
/// </summary>
internal readonly record struct DnsAnswer(IReadOnlyList<IPAddress> Addresses, TimeSpan? Ttl, bool NameExists);
