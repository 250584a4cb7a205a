using Vouchers.Contracts;

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

    /// <summary>FNV-1a over the key's characters: the same in every process (unlike string.GetHashCode).</summary>
    public static int IndexOf(string personKey, int shards)
    {
        var hash = 2166136261u;
        foreach (var c in personKey)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % (uint)shards);
    }

    /// <summary>The stock shard that owns <paramref name="personKey"/>'s slot of a batch cut into <paramref name="shards"/>.</summary>
    public static IStockShardGrain ShardFor(this IGrainFactory grains, string batchId, string personKey, int shards) =>
        grains.Grain<IStockShardGrain>(KeyOf(batchId, IndexOf(personKey, shards)));
}
