using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Introspection.Testing;

/// <summary>
/// A small authoritative DNS server on 127.0.0.1 (UDP, a free port): answers A and AAAA queries from a mutable table
/// with TTLs, NXDOMAIN for names it does not know, and can be told to stop answering (queries are read and dropped, so
/// a client times out as it would against a dead nameserver) or to answer SERVFAIL. Parses queries properly (header,
/// labels, compression pointers, EDNS in the additional section is ignored); answers point back to the question name
/// (compression on output).
/// </summary>
public sealed class LoopbackDnsServer : IAsyncDisposable
{
    private const ushort TypeA = 1;
    private const ushort TypeAaaa = 28;
    private const ushort ClassIn = 1;

    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (IPAddress[] Addresses, int Ttl)> _records = new(StringComparer.OrdinalIgnoreCase);
    private readonly Task _loop;
    private int _queries;
    private int _malformed;

    private LoopbackDnsServer()
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        EndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>Where the server listens (127.0.0.1 and its port).</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>The nameserver as the client options take it: <c>127.0.0.1:port</c>.</summary>
    public string Nameserver => $"127.0.0.1:{EndPoint.Port}";

    /// <summary>Queries received (answered or not).</summary>
    public int Queries => Volatile.Read(ref _queries);

    /// <summary>Datagrams that could not be parsed as a query (answered FORMERR when the header was readable).</summary>
    public int Malformed => Volatile.Read(ref _malformed);

    /// <summary>False: every query is read and dropped (the client sees a timeout). Default true.</summary>
    public bool Answering { get; set; } = true;

    /// <summary>True: every query is answered SERVFAIL. Default false.</summary>
    public bool ServerFailure { get; set; }

    public static LoopbackDnsServer Start() => new();

    /// <summary>Sets (replaces) the A and AAAA records of <paramref name="name"/>; an empty list answers NOERROR with no records.</summary>
    public void Set(string name, int ttlSeconds, params IPAddress[] addresses)
    {
        lock (_gate)
        {
            _records[Normalize(name)] = (addresses, ttlSeconds);
        }
    }

    /// <summary>Removes <paramref name="name"/>: it answers NXDOMAIN.</summary>
    public void Remove(string name)
    {
        lock (_gate)
        {
            _records.Remove(Normalize(name));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private static string Normalize(string name) => name.TrimEnd('.');

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        while (!cancellationToken.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), cancellationToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // An ICMP "port unreachable" from a client that went away surfaces here on some stacks: keep serving.
                continue;
            }

            Interlocked.Increment(ref _queries);
            if (!Answering)
            {
                continue;
            }

            var response = Answer(buffer.AsSpan(0, received.ReceivedBytes));
            if (response is null)
            {
                continue;
            }

            try
            {
                await _socket.SendToAsync(response, SocketFlags.None, received.RemoteEndPoint, cancellationToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    private byte[]? Answer(ReadOnlySpan<byte> query)
    {
        if (query.Length < 12)
        {
            Interlocked.Increment(ref _malformed);
            return null;
        }

        var id = BinaryPrimitives.ReadUInt16BigEndian(query);
        var flags = BinaryPrimitives.ReadUInt16BigEndian(query[2..]);
        var questions = BinaryPrimitives.ReadUInt16BigEndian(query[4..]);
        var isResponse = (flags & 0x8000) != 0;
        var opcode = (flags >> 11) & 0xF;
        var recursionDesired = (flags & 0x0100) != 0;
        if (isResponse)
        {
            Interlocked.Increment(ref _malformed);
            return null;
        }

        var offset = 12;
        if (questions != 1 || opcode != 0 || !TryReadName(query, ref offset, out var name) || offset + 4 > query.Length)
        {
            Interlocked.Increment(ref _malformed);
            return Header(id, recursionDesired, opcode == 0 ? 1 : 4, 0, 0); // FORMERR, or NOTIMP for other opcodes
        }

        var type = BinaryPrimitives.ReadUInt16BigEndian(query[offset..]);
        var @class = BinaryPrimitives.ReadUInt16BigEndian(query[(offset + 2)..]);
        var questionBytes = query[12..(offset + 4)].ToArray();

        if (ServerFailure)
        {
            return Concat(Header(id, recursionDesired, 2, 1, 0), questionBytes);
        }

        (IPAddress[] Addresses, int Ttl) entry;
        bool known;
        lock (_gate)
        {
            known = _records.TryGetValue(Normalize(name), out entry);
        }

        if (!known)
        {
            return Concat(Header(id, recursionDesired, 3, 1, 0), questionBytes); // NXDOMAIN
        }

        var family = type switch
        {
            TypeA => AddressFamily.InterNetwork,
            TypeAaaa => AddressFamily.InterNetworkV6,
            _ => AddressFamily.Unknown,
        };
        var matching = @class == ClassIn ? entry.Addresses.Where(a => a.AddressFamily == family).ToArray() : [];
        using var answer = new MemoryStream();
        answer.Write(Header(id, recursionDesired, 0, 1, (ushort)matching.Length));
        answer.Write(questionBytes);
        Span<byte> record = stackalloc byte[12];
        foreach (var address in matching)
        {
            var bytes = address.GetAddressBytes();
            BinaryPrimitives.WriteUInt16BigEndian(record, 0xC00C); // pointer to the question's name at offset 12
            BinaryPrimitives.WriteUInt16BigEndian(record[2..], type);
            BinaryPrimitives.WriteUInt16BigEndian(record[4..], ClassIn);
            BinaryPrimitives.WriteInt32BigEndian(record[6..], entry.Ttl);
            BinaryPrimitives.WriteUInt16BigEndian(record[10..], (ushort)bytes.Length);
            answer.Write(record);
            answer.Write(bytes);
        }

        return answer.ToArray();
    }

    /// <summary>Reads a (possibly compressed) domain name; false on anything malformed (loops, overruns, bad label types).</summary>
    private static bool TryReadName(ReadOnlySpan<byte> message, ref int offset, out string name)
    {
        var labels = new List<string>();
        var position = offset;
        var jumped = false;
        var jumps = 0;
        name = string.Empty;
        while (true)
        {
            if (position >= message.Length)
            {
                return false;
            }

            var length = message[position];
            if ((length & 0xC0) == 0xC0)
            {
                if (position + 1 >= message.Length || ++jumps > 16)
                {
                    return false;
                }

                var target = ((length & 0x3F) << 8) | message[position + 1];
                if (!jumped)
                {
                    offset = position + 2;
                    jumped = true;
                }

                if (target >= position)
                {
                    return false; // pointers point backwards: anything else may loop
                }

                position = target;
                continue;
            }

            if ((length & 0xC0) != 0)
            {
                return false;
            }

            if (length == 0)
            {
                if (!jumped)
                {
                    offset = position + 1;
                }

                name = string.Join('.', labels);
                return name.Length <= 253;
            }

            if (position + 1 + length > message.Length)
            {
                return false;
            }

            labels.Add(Encoding.ASCII.GetString(message.Slice(position + 1, length)));
            position += 1 + length;
        }
    }

    private static byte[] Header(ushort id, bool recursionDesired, int responseCode, ushort questions, ushort answers)
    {
        var header = new byte[12];
        BinaryPrimitives.WriteUInt16BigEndian(header, id);
        var flags = 0x8000 | 0x0400 | 0x0080 | responseCode; // QR, AA, RA
        if (recursionDesired)
        {
            flags |= 0x0100;
        }

        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), (ushort)flags);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(4), questions);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(6), answers);
        return header;
    }

    private static byte[] Concat(byte[] first, byte[] second) => [.. first, .. second];
}
