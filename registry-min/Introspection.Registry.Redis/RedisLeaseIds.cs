using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Introspection.Registry.Stores.Redis;

/// <summary>
/// Draws lease ids: cryptographically random, positive, 62 bits. A <c>KeepAlive</c> carries only
/// (namespace, lease id), so an id anyone can guess (a counter: own id + 1) would let a caller keep a
/// stranger's instance alive. Nodes draw independently; the Register script rejects a candidate that is
/// already taken, so two nodes never hand out the same id.
/// </summary>
internal static class RedisLeaseIds
{
    /// <summary>Candidates sent with one Register: the script takes the first free one.</summary>
    public const int CandidatesPerCall = 4;

    public static long Next()
    {
        Span<byte> bytes = stackalloc byte[sizeof(long)];
        long id;
        do
        {
            RandomNumberGenerator.Fill(bytes);
            id = BinaryPrimitives.ReadInt64LittleEndian(bytes) & ((1L << 62) - 1);
        }
        while (id == 0);
        return id;
    }
}
