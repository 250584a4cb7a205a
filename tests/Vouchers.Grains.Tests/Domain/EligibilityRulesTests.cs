using Vouchers.Domain;

namespace Vouchers.Grains.Tests.Domain;

public sealed class EligibilityRulesTests
{
    private static readonly DateOnly Today = new(2026, 3, 2);

    /// <summary>Turns 18 tomorrow; registered in Shenzhen's Nanshan district.</summary>
    private static readonly PersonProfile Seventeen = new(new DateOnly(2008, 3, 3), "440305", Gender.Male);

    private static readonly string[] NoGroups = [];

    [Fact]
    public void EverybodyAdmitsAnyPerson()
    {
        Assert.Null(EligibilityRules.Everybody.Check(Seventeen, NoGroups, onTargetedList: false, Today));
    }

    [Fact]
    public void MinimumAgeRefusesTheDayBeforeTheBirthdayAndAdmitsOnIt()
    {
        var rules = new EligibilityRules { MinAge = 18 };

        Assert.Equal("The batch admits people aged 18 or older.", rules.Check(Seventeen, NoGroups, false, Today));
        Assert.Null(rules.Check(Seventeen, NoGroups, false, Today.AddDays(1)));
    }

    [Fact]
    public void MaximumAgeRefusesFromTheDayAfterThePersonOutgrowsIt()
    {
        var rules = new EligibilityRules { MaxAge = 17 };

        Assert.Null(rules.Check(Seventeen, NoGroups, false, Today));
        Assert.Equal("The batch admits people aged 17 or younger.", rules.Check(Seventeen, NoGroups, false, Today.AddDays(1)));
    }

    [Fact]
    public void RegionPrefixesAdmitOnlyPeopleRegisteredUnderOneOfThem()
    {
        var rules = new EligibilityRules { RegionPrefixes = ["4401", "4403"] };

        Assert.Null(rules.Check(Seventeen, NoGroups, false, Today));
        Assert.Equal(
            "The batch is not open to people registered in this region.",
            rules.Check(Seventeen with { RegionCode = "110105" }, NoGroups, false, Today));
        Assert.Equal(
            "The batch is not open to people registered in this region.",
            rules.Check(Seventeen with { RegionCode = "440405" }, NoGroups, false, Today));
    }

    [Fact]
    public void TargetGroupsAdmitOnlyPeopleAttestedToOneOfThem()
    {
        var rules = new EligibilityRules { TargetGroups = ["unemployed", "school-leaver"] };

        Assert.Equal("The batch is open only to its target groups.", rules.Check(Seventeen, NoGroups, false, Today));
        Assert.Equal("The batch is open only to its target groups.", rules.Check(Seventeen, ["migrant-worker"], false, Today));
        Assert.Null(rules.Check(Seventeen, ["migrant-worker", "school-leaver"], false, Today));
    }

    [Fact]
    public void ATargetedListOnlyBatchAdmitsOnlyPeopleOnTheList()
    {
        var rules = new EligibilityRules { TargetedListOnly = true };

        Assert.Equal("The batch is issued only to the people on its targeted list.", rules.Check(Seventeen, NoGroups, false, Today));
        Assert.Null(rules.Check(Seventeen, NoGroups, true, Today));
    }

    [Fact]
    public void EveryConditionMustHoldWhenSeveralAreSet()
    {
        var rules = new EligibilityRules { MinAge = 16, MaxAge = 45, RegionPrefixes = ["44"], TargetGroups = ["unemployed"] };

        Assert.Null(rules.Check(Seventeen, ["unemployed"], false, Today));
        Assert.NotNull(rules.Check(Seventeen, NoGroups, false, Today));
        Assert.NotNull(rules.Check(Seventeen with { RegionCode = "310101" }, ["unemployed"], false, Today));
        Assert.NotNull(rules.Check(Seventeen with { BirthDate = new DateOnly(1970, 1, 1) }, ["unemployed"], false, Today));
    }
}
