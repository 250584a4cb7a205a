using Vouchers.Contracts;
using Vouchers.Domain;

namespace Vouchers.Grains.Tests.Domain;

public sealed class BatchDefinitionRulesTests
{
    private static readonly DateTimeOffset Opens = new(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);

    private static readonly BatchDefinition Valid = new()
    {
        Title = "Welder, intermediate level",
        ProgramId = "welder-intermediate",
        RegionCode = "4403",
        EligibleInstitutionIds = ["inst-a", "inst-b"],
        Eligibility = new EligibilityRules { MinAge = 16, MaxAge = 60, RegionPrefixes = ["4403", "440305"], TargetGroups = ["unemployed"] },
        ClaimOpensAt = Opens,
        ClaimClosesAt = Opens.AddDays(30),
        DaysValidAfterClaim = 90,
        Quantity = 1_000,
        SubsidyAmount = 1_200.50m,
        FundingSource = "employment-subsidy-fund",
        EnabledChannelIds = ["channel-a"],
    };

    private static readonly Dictionary<string, Func<BatchDefinition, BatchDefinition>> Breakages = new()
    {
        ["blank title"] = d => d with { Title = "  " },
        ["title of 201 characters"] = d => d with { Title = new string('t', 201) },
        ["program id in upper case"] = d => d with { ProgramId = "Welder" },
        ["program id of one character"] = d => d with { ProgramId = "w" },
        ["region code of three digits"] = d => d with { RegionCode = "440" },
        ["zero quantity"] = d => d with { Quantity = 0 },
        ["quantity above the maximum"] = d => d with { Quantity = BatchDefinitionRules.MaxQuantity + 1 },
        ["zero subsidy"] = d => d with { SubsidyAmount = 0m },
        ["subsidy above the maximum"] = d => d with { SubsidyAmount = BatchDefinitionRules.MaxSubsidy + 0.01m },
        ["subsidy with three decimals"] = d => d with { SubsidyAmount = 10.005m },
        ["blank funding source"] = d => d with { FundingSource = "" },
        ["window closing as it opens"] = d => d with { ClaimClosesAt = d.ClaimOpensAt },
        ["no validity"] = d => d with { DaysValidAfterClaim = null },
        ["negative days valid"] = d => d with { DaysValidAfterClaim = -1 },
        ["days valid above the maximum"] = d => d with { DaysValidAfterClaim = BatchDefinitionRules.MaxDaysValid + 1 },
        ["both validities"] = d => d with { FixedExpiry = d.ClaimClosesAt },
        ["fixed expiry when the window opens"] = d => d with { DaysValidAfterClaim = null, FixedExpiry = d.ClaimOpensAt },
        ["fixed expiry before the window closes"] = d => d with { DaysValidAfterClaim = null, FixedExpiry = d.ClaimClosesAt.AddTicks(-1) },
        ["institution id with a space"] = d => d with { EligibleInstitutionIds = ["inst a"] },
        ["duplicate institution ids"] = d => d with { EligibleInstitutionIds = ["inst-a", "inst-a"] },
        ["too many institution ids"] = d => d with { EligibleInstitutionIds = [.. Enumerable.Range(0, 201).Select(i => $"inst-{i}")] },
        ["channel id in upper case"] = d => d with { EnabledChannelIds = ["Channel-A"] },
        ["negative minimum age"] = d => d with { Eligibility = d.Eligibility with { MinAge = -1 } },
        ["maximum age above 150"] = d => d with { Eligibility = d.Eligibility with { MaxAge = 151 } },
        ["maximum age below minimum age"] = d => d with { Eligibility = d.Eligibility with { MinAge = 40, MaxAge = 30 } },
        ["region prefix of three digits"] = d => d with { Eligibility = d.Eligibility with { RegionPrefixes = ["440"] } },
        ["region prefix outside the batch region"] = d => d with { Eligibility = d.Eligibility with { RegionPrefixes = ["4401"] } },
        ["target group with an underscore"] = d => d with { Eligibility = d.Eligibility with { TargetGroups = ["migrant_worker"] } },
    };

    [Fact]
    public void AValidDefinitionHasNoErrors()
    {
        Assert.Empty(BatchDefinitionRules.Validate(Valid));
    }

    [Fact]
    public void AMinistryBatchWithAFixedExpiryAndNoListsIsValid()
    {
        var ministry = Valid with
        {
            RegionCode = "",
            DaysValidAfterClaim = null,
            FixedExpiry = Opens.AddDays(365),
            EligibleInstitutionIds = [],
            EnabledChannelIds = [],
            Eligibility = EligibilityRules.Everybody,
        };

        Assert.Empty(BatchDefinitionRules.Validate(ministry));
    }

    [Theory]
    [InlineData("blank title", "title")]
    [InlineData("title of 201 characters", "title")]
    [InlineData("program id in upper case", "programId")]
    [InlineData("program id of one character", "programId")]
    [InlineData("region code of three digits", "regionCode")]
    [InlineData("zero quantity", "quantity")]
    [InlineData("quantity above the maximum", "quantity")]
    [InlineData("zero subsidy", "subsidyAmount")]
    [InlineData("subsidy above the maximum", "subsidyAmount")]
    [InlineData("subsidy with three decimals", "subsidyAmount")]
    [InlineData("blank funding source", "fundingSource")]
    [InlineData("window closing as it opens", "claimClosesAt")]
    [InlineData("no validity", "daysValidAfterClaim")]
    [InlineData("negative days valid", "daysValidAfterClaim")]
    [InlineData("days valid above the maximum", "daysValidAfterClaim")]
    [InlineData("both validities", "fixedExpiry")]
    [InlineData("fixed expiry when the window opens", "fixedExpiry")]
    [InlineData("fixed expiry before the window closes", "fixedExpiry")]
    [InlineData("institution id with a space", "eligibleInstitutionIds")]
    [InlineData("duplicate institution ids", "eligibleInstitutionIds")]
    [InlineData("too many institution ids", "eligibleInstitutionIds")]
    [InlineData("channel id in upper case", "enabledChannelIds")]
    [InlineData("negative minimum age", "eligibility.minAge")]
    [InlineData("maximum age above 150", "eligibility.maxAge")]
    [InlineData("maximum age below minimum age", "eligibility.maxAge")]
    [InlineData("region prefix of three digits", "eligibility.regionPrefixes")]
    [InlineData("region prefix outside the batch region", "eligibility.regionPrefixes")]
    [InlineData("target group with an underscore", "eligibility.targetGroups")]
    public void EachRuleRejectsWithTheNameOfItsField(string breakage, string field)
    {
        var errors = BatchDefinitionRules.Validate(Breakages[breakage](Valid));

        var (key, messages) = Assert.Single(errors);
        Assert.Equal(field, key);
        Assert.NotEmpty(messages);
        Assert.All(messages, m => Assert.False(string.IsNullOrWhiteSpace(m)));
    }

    [Fact]
    public void EveryBreakageIsCoveredByTheTheory()
    {
        var covered = typeof(BatchDefinitionRulesTests)
            .GetMethod(nameof(EachRuleRejectsWithTheNameOfItsField))!
            .GetCustomAttributes(typeof(InlineDataAttribute), false)
            .Cast<InlineDataAttribute>()
            .Select(a => (string)a.GetData(null!).Single()[0]);

        Assert.Equal(Breakages.Keys.Order(StringComparer.Ordinal), covered.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AFixedExpiryAtTheEndOfTheClaimWindowIsValid()
    {
        Assert.Empty(BatchDefinitionRules.Validate(Valid with { DaysValidAfterClaim = null, FixedExpiry = Valid.ClaimClosesAt }));
    }

    [Fact]
    public void AClaimWindowThatIsOverAlreadyIsRefusedByName()
    {
        var errors = BatchDefinitionRules.ValidateSchedule(Valid, now: Valid.ClaimClosesAt);

        Assert.Equal("claimClosesAt", Assert.Single(errors).Key);
        Assert.Empty(BatchDefinitionRules.ValidateSchedule(Valid, now: Valid.ClaimClosesAt.AddTicks(-1)));
    }

    [Fact]
    public void AFixedExpiryInThePastIsRefusedByName()
    {
        var definition = Valid with { DaysValidAfterClaim = null, ClaimOpensAt = Opens.AddDays(-60), ClaimClosesAt = Opens.AddDays(30), FixedExpiry = Opens.AddDays(30) };

        var errors = BatchDefinitionRules.ValidateSchedule(definition, now: Opens.AddDays(31));

        Assert.Equal(["claimClosesAt", "fixedExpiry"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(BatchDefinitionRules.ValidateSchedule(definition, now: Opens));
    }

    [Fact]
    public void AChangeOfABatchWhoseWindowEndedIsJudgedOnlyByWhatItChanges()
    {
        var ended = Valid with { DaysValidAfterClaim = null, FixedExpiry = Valid.ClaimClosesAt };
        var now = Valid.ClaimClosesAt.AddDays(1);

        Assert.Empty(BatchDefinitionRules.ValidateSchedule(ended with { Title = "Renamed" }, now, previous: ended));
        Assert.Equal("claimClosesAt", Assert.Single(BatchDefinitionRules.ValidateSchedule(
            ended with { ClaimClosesAt = now.AddTicks(-1), FixedExpiry = now.AddDays(1) }, now, previous: ended)).Key);
        Assert.Empty(BatchDefinitionRules.ValidateSchedule(ended with { ClaimClosesAt = now.AddDays(1), FixedExpiry = now.AddDays(1) }, now, previous: ended));
    }

    [Fact]
    public void ABatchWhoseWindowIsOverOrWhoseExpiryPassedCannotBeActivated()
    {
        Assert.Null(BatchDefinitionRules.ActivationRefusal(Valid, Opens));
        Assert.Equal("claimClosesAt", BatchDefinitionRules.ActivationRefusal(Valid, Valid.ClaimClosesAt)?.Field);
        var fixedExpiry = Valid with { DaysValidAfterClaim = null, FixedExpiry = Valid.ClaimClosesAt };
        Assert.Equal("claimClosesAt", BatchDefinitionRules.ActivationRefusal(fixedExpiry, Valid.ClaimClosesAt)?.Field);
    }

    [Fact]
    public void SeveralBrokenFieldsAreAllReported()
    {
        var broken = Valid with { Title = "", Quantity = 0, SubsidyAmount = -1m };

        var errors = BatchDefinitionRules.Validate(broken);

        Assert.Equal(["quantity", "subsidyAmount", "title"], errors.Keys.Order(StringComparer.Ordinal));
    }
}
