using Vouchers.Domain;
using Vouchers.LoadTests.Scenarios;

namespace Vouchers.LoadTests.Tests;

/// <summary>The synthetic people and codes obey the engine's own rules (checked with its domain classes).</summary>
public sealed class SyntheticDataTests
{
    [Fact]
    public void SyntheticPeopleHaveValidDistinctIdNumbersAcrossRegionsAndAges()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var pool = new PersonPool(offset: 987_654_321);
        var people = Enumerable.Range(0, 20_000).Select(i => pool[i]).ToList();

        var ids = people.Select(p =>
        {
            Assert.True(ResidentIdNumber.TryParse(p.IdNumber, today, out var id, out var error), $"{p.IdNumber}: {error}");
            return id!;
        }).ToList();
        Assert.Equal(people.Count, ids.Select(i => i.Value).Distinct().Count());
        Assert.All(ids, id => Assert.InRange(id.ToProfile().AgeOn(today), 18, 60));
        Assert.True(ids.Select(i => i.RegionCode).Distinct().Count() >= 30);
        Assert.True(ids.Select(i => i.RegionCode[..2]).Distinct().Count() >= 25);
        Assert.True(ids.Select(i => i.ToProfile().AgeOn(today)).Distinct().Count() >= 40, "ages spread over 18..60");
        Assert.All(people, p => Assert.InRange(p.Name.Length, 2, 3));
    }

    [Fact]
    public void ThePoolIsTheSameForTheSameOffsetAndNewForAnother()
    {
        Assert.Equal(new PersonPool(7)[123], new PersonPool(7)[123]);
        Assert.NotEqual(new PersonPool(7)[123], new PersonPool(8)[123]);
    }

    [Fact]
    public void UnissuedCodesAreWellFormedAndMistypedOnesAreNot()
    {
        var random = new Random(1);
        for (var i = 0; i < 1_000; i++)
        {
            var code = VoucherCodes.NewUnissued(random);
            Assert.True(VoucherCode.IsWellFormed(code), code);
            Assert.Equal(VoucherCode.CheckCharacter(code.AsSpan(0, 16)), VoucherCodes.CheckCharacter(code.AsSpan(0, 16)));
            Assert.False(VoucherCode.IsWellFormed(VoucherCodes.Mistype(code, random)));
        }
    }

    [Fact]
    public void ZipfMakesTheFirstBatchesHot()
    {
        var zipf = new Zipf(5);
        var random = new Random(3);
        var counts = new int[5];
        for (var i = 0; i < 100_000; i++)
        {
            counts[zipf.Next(random)]++;
        }

        for (var k = 1; k < 5; k++)
        {
            Assert.True(counts[k] < counts[k - 1], string.Join(", ", counts));
        }

        var expectedFirst = 1 / Enumerable.Range(1, 5).Sum(k => 1 / Math.Pow(k, 1.1));
        Assert.InRange(counts[0] / 100_000.0, expectedFirst - 0.01, expectedFirst + 0.01);
    }
}
