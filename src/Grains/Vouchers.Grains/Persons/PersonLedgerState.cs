namespace Vouchers.Grains.Persons;

/// <summary>One claim in a person's ledger. A person holds a handful of vouchers, so the list stays small.</summary>
[GenerateSerializer]
public sealed class LedgerEntry
{
    [Id(0)] public string BatchId { get; set; } = "";

    [Id(1)] public string Code { get; set; } = "";

    [Id(2)] public string ChannelId { get; set; } = "";

    [Id(3)] public string RequestId { get; set; } = "";

    [Id(4)] public DateTimeOffset ClaimedAt { get; set; }

    /// <summary>A returned voucher frees the person to claim the batch again.</summary>
    [Id(5)] public bool Returned { get; set; }
}

[GenerateSerializer]
public sealed class PersonLedgerState
{
    [Id(0)] public List<LedgerEntry> Entries { get; set; } = [];

    /// <summary>Batches whose targeted list (定向发放) names this person.</summary>
    [Id(1)] public HashSet<string> TargetedBatches { get; set; } = [];
}
