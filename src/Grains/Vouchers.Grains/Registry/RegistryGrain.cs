using Vouchers.Grains.Storage;

namespace Vouchers.Grains.Registry;

[GenerateSerializer]
public sealed class RegistryState<TEntry>
    where TEntry : class
{
    [Id(0)] public TEntry? Entry { get; set; }
}

/// <summary>
/// A registry entry: programs, institutions, channels and API-key principals. Written once, except principals, which the
/// key directory replaces (compare and set) when it revokes or rotates them.
/// </summary>
internal sealed class RegistryGrain<TEntry>(
    [PersistentState("entry", StorageNames.Vouchers)] IPersistentState<RegistryState<TEntry>> state) : Grain, IRegistryGrain<TEntry>
    where TEntry : class
{
    public async Task<bool> CreateAsync(TEntry entry)
    {
        if (state.State.Entry is not null)
        {
            return false;
        }

        state.State.Entry = entry;
        await state.WriteStateAsync();
        return true;
    }

    public Task<TEntry?> GetAsync() => Task.FromResult(state.State.Entry);

    public async Task<bool> ReplaceAsync(TEntry expected, TEntry replacement)
    {
        if (state.State.Entry is null || !state.State.Entry.Equals(expected))
        {
            return false;
        }

        state.State.Entry = replacement;
        await state.WriteStateAsync();
        return true;
    }
}
