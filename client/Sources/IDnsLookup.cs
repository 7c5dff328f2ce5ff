namespace Introspection.Client.Sources;

/// <summary>Resolves a name to its A and AAAA addresses. Throws when no answer was had (timeout, SERVFAIL, refused).</summary>
internal interface IDnsLookup
{
    Task<DnsAnswer> LookupAsync(string host, CancellationToken cancellationToken);
}
