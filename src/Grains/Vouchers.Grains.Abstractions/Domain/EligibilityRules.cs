using System.Collections.Immutable;

namespace Vouchers.Domain;

/// <summary>Who may claim a batch. Every condition that is set must hold; an unset one admits everybody.</summary>
[GenerateSerializer, Immutable, Alias("EligibilityRules")]
public sealed record EligibilityRules
{
    /// <summary>Youngest age admitted, in whole years on the claim day.</summary>
    [Id(0)] public int? MinAge { get; init; }

    /// <summary>Oldest age admitted, in whole years on the claim day.</summary>
    [Id(1)] public int? MaxAge { get; init; }

    /// <summary>Region code prefixes of the ID number's registration region (e.g. "4403" for Shenzhen).</summary>
    [Id(2)] public ImmutableArray<string> RegionPrefixes { get; init; } = [];

    /// <summary>Target groups (e.g. "unemployed", "migrant-worker"); the channel attests the person's groups.</summary>
    [Id(3)] public ImmutableArray<string> TargetGroups { get; init; } = [];

    /// <summary>Only people on the batch's targeted list (定向发放) may claim.</summary>
    [Id(4)] public bool TargetedListOnly { get; init; }

    public static EligibilityRules Everybody { get; } = new();

    /// <summary>Null when eligible, else the reason in plain words.</summary>
    public string? Check(PersonProfile person, IReadOnlyCollection<string> attestedGroups, bool onTargetedList, DateOnly today)
    {
        var age = person.AgeOn(today);
        if (MinAge is { } min && age < min)
        {
            return $"The batch admits people aged {min} or older.";
        }

        if (MaxAge is { } max && age > max)
        {
            return $"The batch admits people aged {max} or younger.";
        }

        if (!RegionPrefixes.IsDefaultOrEmpty && !RegionPrefixes.Any(p => person.RegionCode.StartsWith(p, StringComparison.Ordinal)))
        {
            return "The batch is not open to people registered in this region.";
        }

        if (!TargetGroups.IsDefaultOrEmpty && !TargetGroups.Any(attestedGroups.Contains))
        {
            return "The batch is open only to its target groups.";
        }

        if (TargetedListOnly && !onTargetedList)
        {
            return "The batch is issued only to the people on its targeted list.";
        }

        return null;
    }
}
