using System.Buffers.Binary;
using System.Buffers.Text;
using System.Collections.Frozen;
using System.Globalization;
using System.Text.RegularExpressions;
using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Http.Problems;

namespace Vouchers.Gateway.Endpoints;

/// <summary>
/// The query string of the verification-record routes: <c>from</c>, <c>to</c>, <c>result</c>, <c>kind</c> and, for
/// pages, <c>cursor</c> and <c>limit</c>. Each bad value is named in the 400 problem. The period, the limit and the
/// cursor are read the same way for the audit trail (<see cref="AuditQueryInput"/>).
/// </summary>
public static partial class RecordQueryInput
{
    public const int MaxLimit = 200;

    private const byte CursorVersion = 1;
    private const int CursorBytes = 17;

    private static readonly DateTimeOffset Earliest = new(1970, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Latest = new(9999, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly FrozenDictionary<string, VerifyVerdict> Results =
        Enum.GetValues<VerifyVerdict>().ToFrozenDictionary(CamelCase, v => v, StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenDictionary<string, RecordKind> Kinds =
        Enum.GetValues<RecordKind>().ToFrozenDictionary(CamelCase, v => v, StringComparer.OrdinalIgnoreCase);

    /// <summary>The filters (without cursor and limit); null when one is bad, which <paramref name="v"/> then names.</summary>
    public static RecordQuery? Filters(string? from, string? to, string? result, string? kind, Validation v)
    {
        var (start, end) = Period(from, to, v);

        VerifyVerdict? verdict = null;
        if (result is not null)
        {
            if (Results.TryGetValue(result, out var found))
            {
                verdict = found;
            }
            else
            {
                v.Add("result", $"The result is one of: {string.Join(", ", Results.Keys.Order(StringComparer.Ordinal))}.");
            }
        }

        RecordKind? recordKind = null;
        if (kind is not null)
        {
            if (Kinds.TryGetValue(kind, out var found))
            {
                recordKind = found;
            }
            else
            {
                v.Add("kind", "The kind is 'verify' or 'use'.");
            }
        }

        return v.IsValid ? new RecordQuery(start, end, recordKind, verdict) : null;
    }

    /// <summary>The filters plus the page: <paramref name="cursor"/> from the previous page, <paramref name="limit"/> 1 to 200 (default 50).</summary>
    public static RecordQuery? Page(string? from, string? to, string? result, string? kind, string? cursor, string? limit, Validation v)
    {
        var filters = Filters(from, to, result, kind, v);
        var size = Limit(limit, v);
        var after = Cursor(cursor, v);
        return v.IsValid ? filters! with { After = after, Limit = size } : null;
    }

    /// <summary><c>from</c> (inclusive) and <c>to</c> (exclusive), each optional; <c>to</c> must lie after <c>from</c>.</summary>
    public static (DateTimeOffset? From, DateTimeOffset? To) Period(string? from, string? to, Validation v)
    {
        var start = Instant(from, "from", endOfDay: false, v);
        var end = Instant(to, "to", endOfDay: true, v);
        if (start is { } s && end is { } e && e <= s)
        {
            v.Add("to", "The end of the period must lie after its start.");
        }

        return (start, end);
    }

    /// <summary>The page size: 1 to 200, 50 when absent.</summary>
    public static int Limit(string? limit, Validation v)
    {
        var size = RecordQuery.DefaultLimit;
        if (limit is not null
            && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > MaxLimit))
        {
            v.Add("limit", $"The limit is a whole number from 1 to {MaxLimit}.");
        }

        return size;
    }

    /// <summary>Where the page starts: the <c>nextCursor</c> of the previous page, or null for the first page.</summary>
    public static RecordCursor? Cursor(string? cursor, Validation v)
    {
        RecordCursor? after = null;
        if (cursor is not null && !TryDecodeCursor(cursor, out after))
        {
            v.Add("cursor", "The cursor is not one this API handed out; pass nextCursor of the previous page unchanged.");
        }

        return after;
    }

    /// <summary>An opaque cursor: a version byte, the record's time (UTC ticks) and its id, base64url.</summary>
    public static string EncodeCursor(RecordCursor cursor)
    {
        Span<byte> bytes = stackalloc byte[CursorBytes];
        bytes[0] = CursorVersion;
        BinaryPrimitives.WriteInt64BigEndian(bytes[1..], cursor.OccurredAt.UtcTicks);
        BinaryPrimitives.WriteInt64BigEndian(bytes[9..], cursor.Id);
        return Base64Url.EncodeToString(bytes);
    }

    public static bool TryDecodeCursor(string text, out RecordCursor? cursor)
    {
        cursor = null;
        Span<byte> bytes = stackalloc byte[CursorBytes + 3];
        // Base64Url.TryDecodeFromChars throws on a character outside the alphabet, so that is checked first.
        if (text.Length > 32 || !Base64Url.IsValid(text) || !Base64Url.TryDecodeFromChars(text, bytes, out var written) || written != CursorBytes || bytes[0] != CursorVersion)
        {
            return false;
        }

        var ticks = BinaryPrimitives.ReadInt64BigEndian(bytes[1..]);
        var id = BinaryPrimitives.ReadInt64BigEndian(bytes[9..]);
        if (ticks < Earliest.UtcTicks || ticks > Latest.UtcTicks || id < 1)
        {
            return false;
        }

        cursor = new RecordCursor(new DateTimeOffset(ticks, TimeSpan.Zero), id);
        return true;
    }

    /// <summary>
    /// A day (<c>2026-03-02</c>, a China-time calendar day: <c>from</c> is its first instant, <c>to</c> includes it)
    /// or an instant with its offset (<c>2026-03-02T09:30:00+08:00</c>, <c>…Z</c>; <c>from</c> inclusive, <c>to</c> exclusive).
    /// </summary>
    private static DateTimeOffset? Instant(string? text, string field, bool endOfDay, Validation v)
    {
        if (text is null)
        {
            return null;
        }

        DateTimeOffset? instant = null;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) && day.Year is >= 1971 and <= 9998)
        {
            instant = ChinaTime.EndOfDay(endOfDay ? day : day.AddDays(-1));
        }
        else if (IsoInstant().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
            && at >= Earliest && at <= Latest)
        {
            instant = at.ToUniversalTime();
        }

        if (instant is null)
        {
            v.Add(field, "A date (yyyy-MM-dd, a China-time day) or an ISO 8601 instant with its offset (2026-03-02T09:30:00+08:00), 1971 to 9998.");
        }

        return instant;
    }

    private static string CamelCase<T>(T value)
        where T : struct, Enum
    {
        var name = value.ToString();
        return string.Concat(char.ToLowerInvariant(name[0]).ToString(), name[1..]);
    }

    [GeneratedRegex("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,7})?)?(Z|[+-][0-9]{2}:[0-9]{2})$")]
    private static partial Regex IsoInstant();
}
