using System.Collections.Immutable;
using Vouchers.Claims;
using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Grains.Tests.Infrastructure;

namespace Vouchers.Grains.Tests.Domain;

public sealed class ClaimAdmissionTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);

    private static readonly BatchDefinition Open = TestData.Batch(Now) with { EnabledChannelIds = [TestData.ChannelA] };

    private static StockTerms Active(BatchDefinition definition) => new(definition, BatchStatus.Active);

    private static ClaimRequest Claim(string channelId = TestData.ChannelA, bool commitment = true, PersonProfile? person = null) =>
        TestData.Claim("b-1", "person-1", channelId, "request-1", commitment, person);

    [Fact]
    public void AnActiveBatchInItsWindowAdmitsAnEligibleClaimFromAnEnabledChannel()
    {
        Assert.Null(ClaimAdmission.Refusal(Active(Open), Claim(), onTargetedList: false, Now));
    }

    [Fact]
    public void NoTermsMeansNoSuchBatch()
    {
        Assert.Equal(ClaimOutcome.BatchNotFound, ClaimAdmission.Refusal(null, Claim(), false, Now)?.Outcome);
    }

    [Theory]
    [InlineData(BatchStatus.Draft, "The batch is draft.")]
    [InlineData(BatchStatus.Paused, "The batch is paused.")]
    [InlineData(BatchStatus.Closed, "The batch is closed.")]
    public void OnlyAnActiveBatchAdmitsClaims(BatchStatus status, string detail)
    {
        var refusal = ClaimAdmission.Refusal(new StockTerms(Open, status), Claim(), false, Now);

        Assert.Equal(ClaimOutcome.BatchNotActive, refusal?.Outcome);
        Assert.Equal(detail, refusal?.Detail);
    }

    [Fact]
    public void TheClaimWindowIncludesItsOpeningInstantAndExcludesItsClosingOne()
    {
        var terms = Active(Open);

        Assert.Null(ClaimAdmission.Refusal(terms, Claim(), false, Open.ClaimOpensAt));
        Assert.Equal(ClaimOutcome.OutsideClaimWindow, ClaimAdmission.Refusal(terms, Claim(), false, Open.ClaimOpensAt.AddTicks(-1))?.Outcome);
        Assert.Null(ClaimAdmission.Refusal(terms, Claim(), false, Open.ClaimClosesAt.AddTicks(-1)));
        var closed = ClaimAdmission.Refusal(terms, Claim(), false, Open.ClaimClosesAt);
        Assert.Equal(ClaimOutcome.OutsideClaimWindow, closed?.Outcome);
        Assert.Equal($"Claims are accepted from {Open.ClaimOpensAt:O} until {Open.ClaimClosesAt:O}.", closed?.Detail);
    }

    [Fact]
    public void AChannelTheBatchDoesNotEnableIsRefusedAndAnEmptyListEnablesEveryChannel()
    {
        Assert.Equal(ClaimOutcome.ChannelNotEnabled, ClaimAdmission.Refusal(Active(Open), Claim(TestData.ChannelB), false, Now)?.Outcome);
        Assert.Null(ClaimAdmission.Refusal(Active(Open with { EnabledChannelIds = [] }), Claim(TestData.ChannelB), false, Now));
        Assert.Null(ClaimAdmission.Refusal(Active(Open with { EnabledChannelIds = default }), Claim(TestData.ChannelB), false, Now));
    }

    [Fact]
    public void TheActionsAfterTheClaimFollowTheSameChannelRuleAndNoBatchEnablesNoChannel()
    {
        static BatchSummary Summary(ImmutableArray<string> channels) =>
            new("b-1", "title", "electrician-basic", "4403", BatchStatus.Closed, Now, Now.AddDays(1), channels);

        Assert.True(ChannelAccess.Enables(Summary([TestData.ChannelA]), TestData.ChannelA));
        Assert.False(ChannelAccess.Enables(Summary([TestData.ChannelA]), TestData.ChannelB));
        Assert.True(ChannelAccess.Enables(Summary([]), TestData.ChannelB));
        Assert.True(ChannelAccess.Enables(Summary(default), TestData.ChannelB));
        Assert.False(ChannelAccess.Enables(null, TestData.ChannelA));
    }

    [Fact]
    public void ABatchRequiringTheCommitmentRefusesAClaimWithoutIt()
    {
        var terms = Active(Open with { RequiresCommitment = true });

        Assert.Equal(ClaimOutcome.CommitmentRequired, ClaimAdmission.Refusal(terms, Claim(commitment: false), false, Now)?.Outcome);
        Assert.Null(ClaimAdmission.Refusal(terms, Claim(commitment: true), false, Now));
        Assert.Null(ClaimAdmission.Refusal(Active(Open), Claim(commitment: false), false, Now));
    }

    [Fact]
    public void EligibilityIsJudgedOnTheClaimDayInChinaWithTheAttestedGroupsAndTheTargetedList()
    {
        // 2026-03-01 16:00 UTC is already 2026-03-02 in China: the person born 2008-03-02 turns 18 there.
        var beforeMidnightUtc = new DateTimeOffset(2026, 3, 1, 16, 0, 0, TimeSpan.Zero);
        var turning18 = new PersonProfile(new DateOnly(2008, 3, 2), "440305", Gender.Male);
        var adults = Active(Open with { Eligibility = new EligibilityRules { MinAge = 18 }, ClaimOpensAt = beforeMidnightUtc.AddDays(-1) });
        Assert.Null(ClaimAdmission.Refusal(adults, Claim(person: turning18), false, beforeMidnightUtc));
        var minor = ClaimAdmission.Refusal(adults, Claim(person: turning18), false, beforeMidnightUtc.AddHours(-1));
        Assert.Equal(ClaimOutcome.NotEligible, minor?.Outcome);
        Assert.Equal("The batch admits people aged 18 or older.", minor?.Detail);

        var unemployedOnly = Active(Open with { Eligibility = new EligibilityRules { TargetGroups = ["unemployed"] } });
        Assert.Equal(ClaimOutcome.NotEligible, ClaimAdmission.Refusal(unemployedOnly, Claim(), false, Now)?.Outcome);
        Assert.Null(ClaimAdmission.Refusal(unemployedOnly, Claim() with { AttestedGroups = ["unemployed"] }, false, Now));
        Assert.Equal(ClaimOutcome.NotEligible, ClaimAdmission.Refusal(unemployedOnly, Claim() with { AttestedGroups = default }, false, Now)?.Outcome);

        var listed = Active(Open with { Eligibility = new EligibilityRules { TargetedListOnly = true } });
        Assert.Equal(ClaimOutcome.NotEligible, ClaimAdmission.Refusal(listed, Claim(), onTargetedList: false, Now)?.Outcome);
        Assert.Null(ClaimAdmission.Refusal(listed, Claim(), onTargetedList: true, Now));
    }

    [Fact]
    public void TheChecksRunInTheirOrderStatusWindowChannelCommitmentEligibility()
    {
        var strict = Open with
        {
            RequiresCommitment = true,
            Eligibility = new EligibilityRules { TargetedListOnly = true },
        };
        var everythingWrong = Claim(TestData.ChannelB, commitment: false);
        var late = strict.ClaimClosesAt;

        Assert.Equal(ClaimOutcome.BatchNotActive, ClaimAdmission.Refusal(new StockTerms(strict, BatchStatus.Paused), everythingWrong, false, late)?.Outcome);
        Assert.Equal(ClaimOutcome.OutsideClaimWindow, ClaimAdmission.Refusal(Active(strict), everythingWrong, false, late)?.Outcome);
        Assert.Equal(ClaimOutcome.ChannelNotEnabled, ClaimAdmission.Refusal(Active(strict), everythingWrong, false, Now)?.Outcome);
        Assert.Equal(ClaimOutcome.CommitmentRequired, ClaimAdmission.Refusal(Active(strict), Claim(commitment: false), false, Now)?.Outcome);
        Assert.Equal(ClaimOutcome.NotEligible, ClaimAdmission.Refusal(Active(strict), Claim(), false, Now)?.Outcome);
    }

    [Fact]
    public void ABatchIsOfferedExactlyWhenItsTermsWouldAdmitTheChannelsClaims()
    {
        var instants = new[] { Open.ClaimOpensAt.AddTicks(-1), Open.ClaimOpensAt, Now, Open.ClaimClosesAt.AddTicks(-1), Open.ClaimClosesAt };
        foreach (var status in Enum.GetValues<BatchStatus>())
        {
            foreach (var channels in new[] { [TestData.ChannelA], ImmutableArray<string>.Empty, default })
            {
                var definition = Open with { EnabledChannelIds = channels };
                var summary = new BatchSummary("b-1", definition.Title, definition.ProgramId, definition.RegionCode, status,
                    definition.ClaimOpensAt, definition.ClaimClosesAt, definition.EnabledChannelIds);
                foreach (var channel in new[] { TestData.ChannelA, TestData.ChannelB })
                {
                    foreach (var at in instants)
                    {
                        var admitted = ClaimAdmission.Refusal(new StockTerms(definition, status), Claim(channel), false, at) is null;
                        Assert.Equal(admitted, ClaimAdmission.IsOffered(summary, channel, at));
                    }
                }
            }
        }
    }
}
