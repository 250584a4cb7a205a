using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Http.Problems;

namespace Vouchers.Gateway.Endpoints;

/// <summary>
/// The query string of the audit routes: <c>from</c>, <c>to</c>, <c>actor</c>, <c>action</c>, <c>targetId</c> and,
/// for pages, <c>cursor</c> and <c>limit</c>, read like the verification records' (<see cref="RecordQueryInput"/>).
/// Each bad value is named in the 400 problem.
/// </summary>
public static class AuditQueryInput
{
    /// <summary>The filters (without cursor and limit); null when one is bad, which <paramref name="v"/> then names.</summary>
    public static AuditQuery? Filters(string? from, string? to, string? actor, string? action, string? targetId, Validation v)
    {
        var (start, end) = RecordQueryInput.Period(from, to, v);
        if (actor is not null && !Identifiers.IsValidSlug(actor))
        {
            v.Add("actor", "The actor is a key id: 2 to 64 lower-case letters, digits and hyphens.");
        }

        if (action is not null && !AuditActions.All.Contains(action))
        {
            v.Add("action", $"The action is one of: {string.Join(", ", AuditActions.All.Order(StringComparer.Ordinal))}.");
        }

        if (targetId is not null && (targetId.Length is 0 or > 128 || !targetId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '/')))
        {
            v.Add("targetId", "The target id has 1 to 128 letters, digits, hyphens and slashes.");
        }

        return v.IsValid ? new AuditQuery(start, end, actor, action, targetId) : null;
    }

    /// <summary>The filters plus the page: <paramref name="cursor"/> from the previous page, <paramref name="limit"/> 1 to 200 (default 50).</summary>
    public static AuditQuery? Page(string? from, string? to, string? actor, string? action, string? targetId, string? cursor, string? limit, Validation v)
    {
        var filters = Filters(from, to, actor, action, targetId, v);
        var size = RecordQueryInput.Limit(limit, v);
        var after = RecordQueryInput.Cursor(cursor, v);
        return v.IsValid ? filters! with { After = after, Limit = size } : null;
    }
}
