using System.Text.Json;
using Vouchers.Contracts;
using Vouchers.Domain;

namespace Vouchers.Grains.Audit;

/// <summary>What every audit store accepts: the same record is refused by each, before anything is written.</summary>
public static class AuditRules
{
    /// <summary>The longest before or after document (characters): essentials are a handful of fields.</summary>
    public const int MaxEssentialsLength = 4096;

    /// <summary>The longest client address kept (an IPv6 address with a zone is at most 45 characters plus the zone).</summary>
    public const int MaxClientAddressLength = 64;

    public const int MaxIdLength = 128;

    /// <summary>Throws <see cref="ArgumentException"/> for a record no store may take.</summary>
    public static void Validate(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        Require(record.Actor is { Length: > 0 and <= MaxIdLength } && !HasNul(record.Actor), "The actor is a key id.");
        Require(AuditActions.All.Contains(record.Action), $"'{record.Action}' is not an audited action.");
        Require(record.TargetId is { Length: > 0 and <= MaxIdLength } && !HasNul(record.TargetId), "The target is an id.");
        Require(record.RegionCode is not null && (record.RegionCode.Length == 0 || Identifiers.IsValidRegionPrefix(record.RegionCode)),
            "The region is \"\" or 2, 4 or 6 digits.");
        Require(record.After is not null, "A record says what the change left.");
        Require(IsObject(record.Before) && IsObject(record.After), $"Before and after are JSON objects of at most {MaxEssentialsLength} characters.");
        Require(record.ClientAddress is null || (record.ClientAddress.Length <= MaxClientAddressLength && !HasNul(record.ClientAddress)),
            $"A client address has at most {MaxClientAddressLength} characters.");
    }

    private static void Require(bool holds, string message)
    {
        if (!holds)
        {
            throw new ArgumentException(message, "record");
        }
    }

    private static bool IsObject(string? json)
    {
        if (json is null)
        {
            return true;
        }

        if (json.Length > MaxEssentialsLength || HasNul(json))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool HasNul(string text) => text.Contains('\0', StringComparison.Ordinal);
}
