using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Introspection.Protocol;

namespace Introspection.Provider.Internal;

/// <summary>Works out the host and port to register from the options and the addresses the server listens on.</summary>
internal static class InstanceAddress
{
    /// <summary>Returns (host, port) or throws <see cref="InvalidOperationException"/> saying what to configure.</summary>
    public static (string Host, int Port) Resolve(IntrospectionProviderOptions options, IReadOnlyCollection<string> listenAddresses, Func<IPAddress?> firstNonLoopback, Func<string, string?>? environment = null)
    {
        var parsed = listenAddresses.Select(TryParse).Where(a => a is not null).Select(a => a!.Value).ToList();
        var listen = options.Port is int wanted ? parsed.FirstOrDefault(a => a.Port == wanted) : parsed.FirstOrDefault();
        var port = options.Port ?? (parsed.Count > 0 ? listen.Port : 0);
        if (port is < WireContract.MinPort or > WireContract.MaxPort)
        {
            throw new InvalidOperationException(
                $"Cannot tell which port to register: the server reports no listening address ({string.Join(", ", listenAddresses)}). Set {IntrospectionProviderOptions.SectionName}:Port.");
        }

        if (options.Host is { Length: > 0 } host)
        {
            return (host, port);
        }

        if (PodAddress.FromEnvironment(options, environment ?? Environment.GetEnvironmentVariable) is { } podHost)
        {
            return (podHost, port);
        }

        var listenHost = listen.Host ?? "*";
        if (IsWildcard(listenHost))
        {
            return ((firstNonLoopback() ?? IPAddress.Loopback).ToString(), port);
        }

        if (string.Equals(listenHost, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            // Listening on loopback only: an external address would not answer.
            return (IPAddress.Loopback.ToString(), port);
        }

        return IPAddress.TryParse(listenHost, out var ip) ? (ip.ToString(), port) : (listenHost, port);
    }

    /// <summary>
    /// The scheme consumers dial the registered <paramref name="port"/> with: that of the listen address on that
    /// port, else of the first listen address (a port mapped by NAT or a container runtime), else http.
    /// </summary>
    public static string SchemeOf(IReadOnlyCollection<string> listenAddresses, int port)
    {
        string? first = null;
        foreach (var address in listenAddresses)
        {
            var scheme = address.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? WireContract.SchemeHttps : WireContract.SchemeHttp;
            first ??= scheme;
            if (TryParse(address) is { } parsed && parsed.Port == port)
            {
                return scheme;
            }
        }

        return first ?? WireContract.SchemeHttp;
    }

    /// <summary>
    /// The labels to register: the configured ones plus <see cref="WireContract.SchemeLabel"/> = https for an
    /// endpoint served over TLS, unless configured explicitly (a TLS-terminating proxy in front of an h2c server,
    /// for example). An h2c endpoint registers no label: absent means http on the wire, and every label counts
    /// against the registry's label limit.
    /// </summary>
    public static Dictionary<string, string> LabelsWithScheme(IDictionary<string, string> labels, string scheme)
    {
        var result = new Dictionary<string, string>(labels, StringComparer.Ordinal);
        if (scheme == WireContract.SchemeHttps)
        {
            result.TryAdd(WireContract.SchemeLabel, scheme);
        }

        return result;
    }

    /// <summary>The first usable non-loopback address, IPv4 preferred; null when the machine has none.</summary>
    public static IPAddress? FirstNonLoopback()
    {
        IPAddress? ipv6 = null;
        NetworkInterface[] interfaces;
        try
        {
            interfaces = NetworkInterface.GetAllNetworkInterfaces();
        }
        catch (NetworkInformationException)
        {
            return null;
        }

        foreach (var nic in interfaces)
        {
            if (nic.OperationalStatus != OperationalStatus.Up || nic.NetworkInterfaceType is NetworkInterfaceType.Loopback or NetworkInterfaceType.Tunnel)
            {
                continue;
            }

            foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
            {
                var address = unicast.Address;
                if (IPAddress.IsLoopback(address) || address.IsIPv6LinkLocal || address.IsIPv6Multicast)
                {
                    continue;
                }

                if (address.AddressFamily == AddressFamily.InterNetwork)
                {
                    // 169.254/16 is link-local: never reachable from another subnet.
                    var bytes = address.GetAddressBytes();
                    if (bytes[0] == 169 && bytes[1] == 254)
                    {
                        continue;
                    }

                    return address;
                }

                if (address.AddressFamily == AddressFamily.InterNetworkV6)
                {
                    ipv6 ??= address;
                }
            }
        }

        return ipv6;
    }

    internal static bool IsWildcard(string host) =>
        host is "*" or "+" or "0.0.0.0" or "::" or "[::]";

    /// <summary>Parses Kestrel's "scheme://host:port[/base]" (host may be [v6], *, + or a name).</summary>
    internal static (string Host, int Port)? TryParse(string address)
    {
        var schemeEnd = address.IndexOf("://", StringComparison.Ordinal);
        var rest = schemeEnd >= 0 ? address[(schemeEnd + 3)..] : address;
        var slash = rest.IndexOf('/');
        if (slash >= 0)
        {
            rest = rest[..slash];
        }

        var colon = rest.LastIndexOf(':');
        if (colon <= 0 || rest.EndsWith(']'))
        {
            return null;
        }

        if (!int.TryParse(rest.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            return null;
        }

        var host = rest[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        return (host, port);
    }
}
