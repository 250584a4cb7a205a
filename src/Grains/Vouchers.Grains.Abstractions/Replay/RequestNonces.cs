using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Vouchers.Replay;

/// <summary>
/// How a signed request's nonce finds its <see cref="IRequestNonceGrain"/>: the nonce's 128-bit hash (the first half of
/// its SHA-256) is what the grain keeps, and its low bits pick one of <see cref="Shards"/> grains of the signing key,
/// so one key's burst spreads over several grains (and silos).
/// </summary>
public static class RequestNonces
{
    public const int Shards = 8;

    public const int MaxNonceLength = 64;

    public static UInt128 Hash(ReadOnlySpan<char> nonce)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nonce.Length, MaxNonceLength, nameof(nonce));
        Span<byte> bytes = stackalloc byte[MaxNonceLength * 3];
        var length = Encoding.UTF8.GetBytes(nonce, bytes);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes[..length], hash);
        return BinaryPrimitives.ReadUInt128LittleEndian(hash);
    }

    public static int ShardOf(UInt128 hash) => (int)(ulong)(hash % Shards);

    public static string KeyOf(string keyId, int shard) => $"{keyId}/{shard}";
}
