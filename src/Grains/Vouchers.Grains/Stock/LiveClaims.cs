using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Vouchers.Domain;

namespace Vouchers.Grains.Stock;

/// <summary>
/// The unreturned claims of one stock shard, by person: what the shard needs to answer a person's repeated claim
/// (which voucher, whether it is the same request again, and the voucher as it was issued, for the first answer
/// again) and to count expiries, kept without a heap object per claim.
/// </summary>
/// <remarks>
/// A hot batch's shards hold hundreds of thousands of live claims for the whole claim window. Kept as objects (a
/// record and four strings each), every claim survived into the older generations, and each gen-1 collection had
/// to copy the claims of the last few seconds. Here a claim is one entry of an array without references (the
/// 48-byte <see cref="Entry"/> under a 16-byte key), which the collector never traces: the person key is replaced
/// by 128 bits of its SHA-256, the code is packed (<see cref="VoucherCode.TryPack"/>), the channel and request id
/// by 64 bits of their SHA-256 (compared only with the same person's claim), and what many claims share (program,
/// amount, masked name, channel: <see cref="IssueTerms"/>) by its number in a small table of the shard. Person keys
/// are HMAC outputs under the server's secret, so two people of one shard share a fingerprint with a probability of
/// about n² / 2¹²⁹ (10⁻²⁵ for ten million claims); the durable live-claim key of the claim store stays the
/// authority either way.
/// </remarks>
internal sealed class LiveClaims
{
    private readonly Dictionary<UInt128, Entry> byPerson = [];

    /// <summary>Codes that do not pack (never one made by <see cref="VoucherCode.New"/>), by person fingerprint.</summary>
    private readonly Dictionary<UInt128, string> unpacked = [];

    /// <summary>
    /// The distinct issue terms of the shard's claims. Masks keep only a name's first character, so the table holds
    /// about one entry per surname, channel and definition of the batch, whatever the number of claims; it is never
    /// trimmed (a returned claim's terms may serve the next claim).
    /// </summary>
    private readonly Dictionary<IssueTerms, int> termsNumbers = [];
    private readonly List<IssueTerms> terms = [];

    public int Count => byPerson.Count;

    /// <summary>How many distinct issue terms the shard keeps (bounded, see <see cref="terms"/>).</summary>
    public int TermsCount => terms.Count;

    /// <summary>Makes room for this many claims at once, so a growing shard does not resize its table claim by claim.</summary>
    public void EnsureCapacity(int claims) => byPerson.EnsureCapacity(claims);

    public void Add(string personKey, string code, string channelId, string requestId, IssueTerms issue, DateTimeOffset claimedAt,
        DateTimeOffset expiresAt)
    {
        var person = Fingerprint(personKey);
        if (VoucherCode.TryPack(code, out var packed))
        {
            unpacked.Remove(person);
        }
        else
        {
            unpacked[person] = code;
        }

        byPerson[person] = new(packed, RequestPrint(channelId, requestId), claimedAt.UtcTicks, expiresAt.UtcTicks, NumberOf(issue));
    }

    public bool TryGet(string personKey, out LiveClaim claim)
    {
        var person = Fingerprint(personKey);
        if (!byPerson.TryGetValue(person, out var entry))
        {
            claim = default;
            return false;
        }

        claim = new(CodeOf(person, entry), entry.Request, terms[entry.Terms],
            new DateTimeOffset(entry.ClaimedAt, TimeSpan.Zero), new DateTimeOffset(entry.ExpiresAt, TimeSpan.Zero));
        return true;
    }

    /// <summary>Forgets the person's live claim when its code is <paramref name="code"/>; false when it holds no such claim here.</summary>
    public bool TryRemove(string personKey, string code, out DateTimeOffset expiresAt)
    {
        var person = Fingerprint(personKey);
        if (!byPerson.TryGetValue(person, out var entry) || CodeOf(person, entry) != code)
        {
            expiresAt = default;
            return false;
        }

        byPerson.Remove(person);
        unpacked.Remove(person);
        expiresAt = new DateTimeOffset(entry.ExpiresAt, TimeSpan.Zero);
        return true;
    }

    /// <summary>64 bits of the SHA-256 of a channel's request: equal for the same channel and request id.</summary>
    public static ulong RequestPrint(string channelId, string requestId)
    {
        // Length-prefixed, so no two (channel, request) pairs concatenate to the same text.
        var length = channelId.Length + requestId.Length + 1;
        var text = length <= 256 ? stackalloc char[length] : new char[length];
        text[0] = (char)channelId.Length;
        channelId.CopyTo(text[1..]);
        requestId.CopyTo(text[(1 + channelId.Length)..]);
        return (ulong)Hash(text);
    }

    private int NumberOf(IssueTerms issue)
    {
        if (!termsNumbers.TryGetValue(issue, out var number))
        {
            number = terms.Count;
            terms.Add(issue);
            termsNumbers.Add(issue, number);
        }

        return number;
    }

    private static UInt128 Fingerprint(string personKey) => Hash(personKey);

    private static UInt128 Hash(ReadOnlySpan<char> text)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(MemoryMarshal.AsBytes(text), hash);
        return BinaryPrimitives.ReadUInt128LittleEndian(hash);
    }

    private string CodeOf(UInt128 person, Entry entry) =>
        unpacked.TryGetValue(person, out var code) ? code : VoucherCode.Unpack(entry.Code);

    /// <summary>No references: the collector does not trace the table's entries.</summary>
    private readonly record struct Entry(UInt128 Code, ulong Request, long ClaimedAt, long ExpiresAt, int Terms);
}

/// <summary>What a voucher is issued with that many claims of a shard share: program, amount, masked name, channel.</summary>
internal readonly record struct IssueTerms(string ProgramId, decimal SubsidyAmount, string HolderName, string ChannelId);

/// <summary>A live claim as <see cref="LiveClaims"/> gives it back.</summary>
internal readonly record struct LiveClaim(string Code, ulong Request, IssueTerms Issue, DateTimeOffset ClaimedAt, DateTimeOffset ExpiresAt)
{
    /// <summary>True when the claim was made by this channel's request with this id (a replay).</summary>
    public bool IsFrom(string channelId, string requestId) => Request == LiveClaims.RequestPrint(channelId, requestId);
}
