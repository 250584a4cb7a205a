using System.Text.Json;

namespace Vouchers.Grains.Tests.Infrastructure;

/// <summary>
/// Records holding an ImmutableArray compare that array by reference, so two equal snapshots read at different
/// times are not Equal. Comparing their JSON compares them member by member.
/// </summary>
internal static class Structural
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, IncludeFields = true };

    public static void Equal<T>(T expected, T actual) =>
        Assert.Equal(JsonSerializer.Serialize(expected, Options), JsonSerializer.Serialize(actual, Options));
}
