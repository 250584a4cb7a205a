using System.Collections.Immutable;
using Vouchers.Grains.Storage;

namespace Vouchers.Grains.Subsidies;

[GenerateSerializer]
public sealed class BatchApplicationsState
{
    [Id(0)] public List<string> ApplicationIds { get; set; } = [];
}

internal sealed class BatchApplicationsGrain(
    [PersistentState("applications", StorageNames.Vouchers)] IPersistentState<BatchApplicationsState> state) : Grain, IBatchApplicationsGrain
{
    public async Task AddAsync(string applicationId)
    {
        if (!state.State.ApplicationIds.Contains(applicationId))
        {
            state.State.ApplicationIds.Add(applicationId);
            await state.WriteStateAsync();
        }
    }

    public Task<ImmutableArray<string>> ListAsync() => Task.FromResult(state.State.ApplicationIds.ToImmutableArray());
}
