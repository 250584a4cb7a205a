namespace Vouchers.Grains.Claims;

/// <summary>How a batch's stock is spread over shards (configuration section "Claims").</summary>
public sealed class StockOptions
{
    public const string Section = "Claims";

    /// <summary>Stock shards of a batch created from now on; a batch keeps the count it was created with.</summary>
    public int ShardsPerBatch { get; set; } = 4;

    /// <summary>The largest block of stock a shard gets per lease; near the end blocks shrink to keep the tail fair.</summary>
    public int MaxLeaseBlock { get; set; } = 256;

    /// <summary>How long a shard that found the batch sold out answers "sold out" from memory before asking again.</summary>
    public TimeSpan SoldOutRecheck { get; set; } = TimeSpan.FromMilliseconds(100);
}
