using System.Text.Json;
using Vouchers.Contracts;

namespace Vouchers.Http.Contracts;

/// <summary>One line of the audit trail as the API shows it; <c>before</c> and <c>after</c> are JSON objects.</summary>
public sealed record AuditRecordView(
    long Id,
    DateTimeOffset OccurredAt,
    string Actor,
    string Action,
    string TargetId,
    string RegionCode,
    JsonElement? Before,
    JsonElement? After,
    string? ClientAddress)
{
    public static AuditRecordView From(AuditRecord r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.Id, r.OccurredAt, r.Actor, r.Action, r.TargetId, r.RegionCode, Parse(r.Before), Parse(r.After), r.ClientAddress);
    }

    private static JsonElement? Parse(string? json)
    {
        if (json is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}

/// <summary>A page of audit records, newest first; pass <see cref="NextCursor"/> as <c>cursor</c> for the next page (null: no more).</summary>
public sealed record AuditRecordsResponse(IReadOnlyList<AuditRecordView> Records, string? NextCursor);
