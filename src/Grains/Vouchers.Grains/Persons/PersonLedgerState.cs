namespace Vouchers.Grains.Persons;

[GenerateSerializer]
public sealed class PersonLedgerState
{
    /// <summary>Batches whose targeted list (定向发放) names this person.</summary>
    [Id(1)] public HashSet<string> TargetedBatches { get; set; } = [];
}
