using Vouchers.Contracts;

namespace Vouchers.Domain;

/// <summary>
/// The rules a batch definition must meet. The gateway turns the errors into a 400 naming each field;
/// the batch grain checks them again as a guard.
/// </summary>
public static class BatchDefinitionRules
{
    public const int MaxQuantity = 10_000_000;
    public const decimal MaxSubsidy = 100_000m;
    public const int MaxListLength = 200;
    public const int MaxDaysValid = 3650;
    public const int MaxTitleLength = 200;
    public const int MaxFundingSourceLength = 100;

    /// <summary>Errors keyed by the JSON path of the offending field; empty when the definition is valid.</summary>
    public static Dictionary<string, string[]> Validate(BatchDefinition d)
    {
        var errors = new Dictionary<string, List<string>>();
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list))
            {
                errors[field] = list = [];
            }

            list.Add(message);
        }

        if (DisplayText.Check(d.Title, MaxTitleLength, out var titleError) is null)
        {
            Add("title", titleError!);
        }

        if (!Identifiers.IsValidSlug(d.ProgramId))
        {
            Add("programId", "The program id is required (lower-case letters, digits, hyphens).");
        }

        if (d.RegionCode.Length > 0 && !Identifiers.IsValidRegionPrefix(d.RegionCode))
        {
            Add("regionCode", "The region code must be 2, 4 or 6 digits, or empty for the ministry.");
        }

        if (d.Quantity is < 1 or > MaxQuantity)
        {
            Add("quantity", $"The quantity must be between 1 and {MaxQuantity}.");
        }

        if (d.SubsidyAmount <= 0 || d.SubsidyAmount > MaxSubsidy || decimal.Round(d.SubsidyAmount, 2) != d.SubsidyAmount)
        {
            Add("subsidyAmount", $"The subsidy amount must be above 0 and at most {MaxSubsidy} yuan, with at most two decimals.");
        }

        if (DisplayText.Check(d.FundingSource, MaxFundingSourceLength, out var fundingError) is null)
        {
            Add("fundingSource", fundingError!);
        }

        if (d.ClaimClosesAt <= d.ClaimOpensAt)
        {
            Add("claimClosesAt", "The claim window must close after it opens.");
        }

        switch (d.DaysValidAfterClaim, d.FixedExpiry)
        {
            case (null, null):
                Add("daysValidAfterClaim", "Set either daysValidAfterClaim or fixedExpiry.");
                break;
            case (not null, not null):
                Add("fixedExpiry", "Set either daysValidAfterClaim or fixedExpiry, not both.");
                break;
            case ({ } days, null) when days is < 0 or > MaxDaysValid:
                Add("daysValidAfterClaim", $"Days valid must be between 0 and {MaxDaysValid}.");
                break;
            case (null, { } expiry) when expiry < d.ClaimClosesAt:
                // A voucher claimed in the window's last moment would be expired before it was claimed.
                Add("fixedExpiry", "The fixed expiry must not come before the claim window closes.");
                break;
        }

        CheckSlugList(d.EligibleInstitutionIds, "eligibleInstitutionIds", Add);
        CheckSlugList(d.EnabledChannelIds, "enabledChannelIds", Add);

        var rules = d.Eligibility;
        if (rules.MinAge is < 0 or > 150)
        {
            Add("eligibility.minAge", "The minimum age must be between 0 and 150.");
        }

        if (rules.MaxAge is < 0 or > 150)
        {
            Add("eligibility.maxAge", "The maximum age must be between 0 and 150.");
        }

        if (rules.MinAge is { } min && rules.MaxAge is { } max && min > max)
        {
            Add("eligibility.maxAge", "The maximum age must not be below the minimum age.");
        }

        if (rules.RegionPrefixes.Length > MaxListLength)
        {
            Add("eligibility.regionPrefixes", $"At most {MaxListLength} region prefixes.");
        }

        foreach (var prefix in rules.RegionPrefixes)
        {
            if (!Identifiers.IsValidRegionPrefix(prefix))
            {
                Add("eligibility.regionPrefixes", $"'{Truncate(prefix)}' is not a region prefix of 2, 4 or 6 digits.");
            }
            else if (!prefix.StartsWith(d.RegionCode, StringComparison.Ordinal))
            {
                Add("eligibility.regionPrefixes", $"'{prefix}' lies outside the batch's region '{d.RegionCode}'.");
            }
        }

        CheckSlugList(rules.TargetGroups, "eligibility.targetGroups", Add);

        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
    }

    /// <summary>
    /// The checks that depend on the instant <paramref name="now"/> at which a definition is made or changed: its claim
    /// window must not be over and its fixed expiry not past. When it replaces <paramref name="previous"/> (a PUT),
    /// only a changed claimClosesAt or fixedExpiry is judged, so an existing batch whose window has ended can still
    /// be edited; it simply admits no claim. The gateway checks with its clock, the batch grain again with its own.
    /// </summary>
    /// <returns>Errors keyed by the JSON path of the offending field; empty when the schedule is fine.</returns>
    public static Dictionary<string, string[]> ValidateSchedule(BatchDefinition d, DateTimeOffset now, BatchDefinition? previous = null)
    {
        ArgumentNullException.ThrowIfNull(d);
        var errors = new Dictionary<string, string[]>();
        if (d.ClaimClosesAt <= now && d.ClaimClosesAt != previous?.ClaimClosesAt)
        {
            errors["claimClosesAt"] = ["The claim window is over already: claimClosesAt lies in the past."];
        }

        if (d.FixedExpiry is { } expiry && expiry <= now && expiry != previous?.FixedExpiry)
        {
            errors["fixedExpiry"] = ["The fixed expiry lies in the past."];
        }

        return errors;
    }

    /// <summary>
    /// Why a batch cannot be activated at <paramref name="now"/>: its claim window is over, or its fixed expiry has
    /// passed, so it could never issue a usable voucher. Null when it can. An active batch stays active either way.
    /// </summary>
    public static (string Field, string Message)? ActivationRefusal(BatchDefinition d, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(d);
        if (d.ClaimClosesAt <= now)
        {
            return ("claimClosesAt", "The claim window is over: set a later claimClosesAt before activating the batch.");
        }

        return d.FixedExpiry is { } expiry && expiry <= now
            ? ("fixedExpiry", "The fixed expiry has passed: set a later fixedExpiry before activating the batch.")
            : null;
    }

    private static void CheckSlugList(IReadOnlyCollection<string> ids, string field, Action<string, string> add)
    {
        if (ids.Count > MaxListLength)
        {
            add(field, $"At most {MaxListLength} entries.");
            return;
        }

        foreach (var id in ids)
        {
            if (!Identifiers.IsValidSlug(id))
            {
                add(field, $"'{Truncate(id)}' is not a valid id (lower-case letters, digits, hyphens).");
            }
        }

        if (ids.Distinct(StringComparer.Ordinal).Count() != ids.Count)
        {
            add(field, "The list contains duplicates.");
        }
    }

    private static string Truncate(string? value) => value is null ? "" : value.Length <= 40 ? value : value[..40];
}
