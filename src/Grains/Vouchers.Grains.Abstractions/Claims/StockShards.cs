using Vouchers.Contracts;
using Vouchers.Domain;

namespace Vouchers.Claims;

/// <summary>
/// How claims find their stock shard: a stable hash of the person key picks one of the batch's shards, so every
/// claim of one person for one batch meets the same shard, which answers repeats from memory.
/// </summary>
public static class StockShards
{
    private const char Separator = '/';

    public static string KeyOf(string batchId, int index) => $"{batchId}{Separator}{index}";

    public static (string BatchId, int Index) Parse(string key)
    {
        var at = key.LastIndexOf(Separator);
        return (key[..at], int.Parse(key.AsSpan(at + 1), System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The shard of <paramref name="personKey"/> among <paramref name="shards"/>, the same in every process.</summary>
    public static int IndexOf(string personKey, int shards) => Fnv1a.Bucket(personKey, shards);

    /// <summary>The stock shard that owns <paramref name="personKey"/>'s slot of a batch cut into <paramref name="shards"/>.</summary>
    public static IStockShardGrain ShardFor(this IGrainFactory grains, string batchId, string personKey, int shards) =>
        grains.Grain<IStockShardGrain>(KeyOf(batchId, IndexOf(personKey, shards)));
}
