using System.Collections.Immutable;
using Vouchers.Contracts;
using Vouchers.Grains.Storage;

namespace Vouchers.Grains.Batches;

[GenerateSerializer]
public sealed class BatchCatalogState
{
    [Id(0)] public Dictionary<string, BatchSummary> Batches { get; set; } = [];
}

/// <summary>One line per batch (batches number in the thousands at most, so this stays small).</summary>
internal sealed class BatchCatalogGrain(
    [PersistentState("catalog", StorageNames.Vouchers)] IPersistentState<BatchCatalogState> state) : Grain, IBatchCatalogGrain
{
    public const string Key = "all";

    public async Task UpsertAsync(BatchSummary summary)
    {
        state.State.Batches[summary.Id] = summary;
        await state.WriteStateAsync();
    }

    public Task<ImmutableArray<BatchSummary>> ListAsync() =>
        Task.FromResult(state.State.Batches.Values.OrderByDescending(b => b.ClaimOpensAt).ThenBy(b => b.Id, StringComparer.Ordinal).ToImmutableArray());

    public Task<ImmutableArray<BatchSummary>> FindAsync(ImmutableArray<string> batchIds)
    {
        var found = ImmutableArray.CreateBuilder<BatchSummary>(batchIds.Length);
        foreach (var id in batchIds)
        {
            if (state.State.Batches.TryGetValue(id, out var summary))
            {
                found.Add(summary);
            }
        }

        return Task.FromResult(found.ToImmutable());
    }
}
