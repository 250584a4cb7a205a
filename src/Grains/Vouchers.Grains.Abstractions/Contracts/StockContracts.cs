using System.Collections.Immutable;

namespace Vouchers.Contracts;

/// <summary>What a stock shard needs of its batch to judge claims on its own: the definition and the status.</summary>
[GenerateSerializer, Immutable, Alias("StockTerms")]
public sealed record StockTerms(
    [property: Id(0)] BatchDefinition Definition,
    [property: Id(1)] BatchStatus Status);

/// <summary>A shard's share of the batch as the batch records it durably: terms and units leased to the shard.</summary>
[GenerateSerializer, Immutable, Alias("ShardAttachment")]
public sealed record ShardAttachment(
    [property: Id(0)] StockTerms? Terms,
    [property: Id(1)] int Leased);

/// <summary>
/// The batch's answer to a shard asking for stock. <see cref="Exhausted"/>: nothing was granted and nothing is left
/// anywhere — no unit unreserved in another shard, none on its way to one, none reserved by a claim still being
/// stored — so "sold out" is the truth (or the batch is not active). Nothing granted but not exhausted: ask again
/// shortly, units are settling.
/// </summary>
[GenerateSerializer, Immutable, Alias("Lease")]
public sealed record Lease(
    [property: Id(0)] int Granted,
    [property: Id(1)] StockTerms? Terms,
    [property: Id(2)] bool Exhausted = false);

/// <summary>
/// What a shard gave back to its batch, and what it still holds by its own account (units received minus units
/// given back, claimed ones included) and has reserved for claims still being stored.
/// </summary>
[GenerateSerializer, Immutable, Alias("Surrender")]
public sealed record Surrender(
    [property: Id(0)] int Units,
    [property: Id(1)] int Held,
    [property: Id(2)] int Reserved);

/// <summary>Claims taken through one stock shard, counted from its stored claims.</summary>
[GenerateSerializer, Immutable, Alias("ShardCounts")]
public sealed record ShardCounts(
    [property: Id(0)] int Issued,
    [property: Id(1)] int Returned,
    [property: Id(2)] int Available,
    [property: Id(3)] ImmutableDictionary<long, int> LiveByExpiry);
