using Vouchers.Contracts;
using Vouchers.Domain;

namespace Vouchers.Grains.Tests.Domain;

public sealed class CheckInRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Starts = Now.AddHours(2);
    private static readonly DateTimeOffset Ends = Starts.AddHours(3);

    private static readonly ClassSessionDefinition Valid = new("electrician-2026-spring", "electrician-basic", "Wiring, part 1", Starts, Ends);

    [Fact]
    public void TheWindowOpensThirtyMinutesBeforeTheStartAndClosesAtTheEndExclusive()
    {
        var opens = Starts.AddMinutes(-30);
        Assert.Equal(opens, CheckInRules.OpensAt(Starts));

        Assert.Equal(SessionWindow.NotYetOpen, CheckInRules.Window(opens.AddTicks(-1), Starts, Ends));
        Assert.Equal(SessionWindow.Open, CheckInRules.Window(opens, Starts, Ends));
        Assert.Equal(SessionWindow.Open, CheckInRules.Window(Starts, Starts, Ends));
        Assert.Equal(SessionWindow.Open, CheckInRules.Window(Ends.AddTicks(-1), Starts, Ends));
        Assert.Equal(SessionWindow.Closed, CheckInRules.Window(Ends, Starts, Ends));
        Assert.Equal(SessionWindow.Closed, CheckInRules.Window(Ends.AddDays(1), Starts, Ends));
    }

    [Fact]
    public void ASessionCountsAsHeldOnceItsCheckInHasOpened()
    {
        Assert.False(CheckInRules.IsHeld(Starts.AddMinutes(-31), Starts));
        Assert.True(CheckInRules.IsHeld(Starts.AddMinutes(-30), Starts));
        Assert.True(CheckInRules.IsHeld(Ends.AddDays(3), Starts));
    }

    [Theory]
    [InlineData(0, 300, true)]
    [InlineData(299.9, 300, true)]
    [InlineData(300, 300, true)]
    [InlineData(300.1, 300, false)]
    [InlineData(5_000, 300, false)]
    public void TheRadiusIsInclusive(double distance, int radius, bool inside)
    {
        Assert.Equal(inside, CheckInRules.IsInsideRadius(distance, radius));
    }

    [Fact]
    public void EvaluateJudgesTheWindowBeforeThePosition()
    {
        Assert.Equal(CheckInOutcome.CheckedIn, CheckInRules.Evaluate(Starts, Starts, Ends, 120, 300));
        Assert.Equal(CheckInOutcome.OutsideRadius, CheckInRules.Evaluate(Starts, Starts, Ends, 301, 300));
        Assert.Equal(CheckInOutcome.TooEarly, CheckInRules.Evaluate(Starts.AddHours(-1), Starts, Ends, 5_000, 300));
        Assert.Equal(CheckInOutcome.TooLate, CheckInRules.Evaluate(Ends, Starts, Ends, 5_000, 300));
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData(9, false)]
    [InlineData(10, true)]
    [InlineData(10_000, true)]
    [InlineData(10_001, false)]
    [InlineData(-300, false)]
    public void RadiusLiesBetweenTenMetresAndTenKilometres(int? radius, bool valid)
    {
        Assert.Equal(valid, CheckInRules.IsValidRadius(radius));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData(0.0, true)]
    [InlineData(35.5, true)]
    [InlineData(10_000.0, true)]
    [InlineData(10_000.1, false)]
    [InlineData(-1.0, false)]
    [InlineData(double.NaN, false)]
    [InlineData(double.PositiveInfinity, false)]
    public void AccuracyIsOptionalAndFinite(double? accuracy, bool valid)
    {
        Assert.Equal(valid, CheckInRules.IsValidAccuracy(accuracy));
    }

    [Fact]
    public void AValidDefinitionHasNoErrorsWithOrWithoutTheClock()
    {
        Assert.Empty(CheckInRules.Validate(Valid, Now));
        Assert.Empty(CheckInRules.Validate(Valid, now: null));
        Assert.Empty(CheckInRules.Validate(Valid with { CourseId = null }, Now));
        Assert.Empty(CheckInRules.Validate(Valid with { EndsAt = Starts.AddHours(12) }, Now));
        Assert.Empty(CheckInRules.Validate(Valid with { StartsAt = Now.AddDays(-1), EndsAt = Now.AddDays(-1).AddHours(1) }, Now));
        Assert.Empty(CheckInRules.Validate(Valid with { StartsAt = Now.AddDays(366), EndsAt = Now.AddDays(366).AddHours(1) }, Now));
    }

    private static readonly Dictionary<string, ClassSessionDefinition> Breakages = new()
    {
        ["class id in upper case"] = Valid with { ClassId = "Class-A" },
        ["blank class id"] = Valid with { ClassId = "" },
        ["course id with a space"] = Valid with { CourseId = "course a" },
        ["blank title"] = Valid with { Title = "  " },
        ["title of 201 characters"] = Valid with { Title = new string('t', 201) },
        ["title with a control character"] = Valid with { Title = "Wiring\u0000" },
        ["ends as it starts"] = Valid with { EndsAt = Starts },
        ["ends before it starts"] = Valid with { EndsAt = Starts.AddMinutes(-1) },
        ["lasts longer than 12 hours"] = Valid with { EndsAt = Starts.AddHours(12).AddTicks(1) },
        ["started more than a day ago"] = Valid with { StartsAt = Now.AddDays(-1).AddTicks(-1), EndsAt = Now.AddHours(-20) },
        ["starts more than 366 days ahead"] = Valid with { StartsAt = Now.AddDays(366).AddTicks(1), EndsAt = Now.AddDays(366).AddHours(1) },
    };

    [Theory]
    [InlineData("class id in upper case", "classId")]
    [InlineData("blank class id", "classId")]
    [InlineData("course id with a space", "courseId")]
    [InlineData("blank title", "title")]
    [InlineData("title of 201 characters", "title")]
    [InlineData("title with a control character", "title")]
    [InlineData("ends as it starts", "endsAt")]
    [InlineData("ends before it starts", "endsAt")]
    [InlineData("lasts longer than 12 hours", "endsAt")]
    [InlineData("started more than a day ago", "startsAt")]
    [InlineData("starts more than 366 days ahead", "startsAt")]
    public void EachBrokenRuleNamesItsField(string breakage, string field)
    {
        var errors = CheckInRules.Validate(Breakages[breakage], Now);

        Assert.True(errors.Count == 1 && errors.ContainsKey(field), $"{breakage}: {string.Join(", ", errors.Keys)}");
    }

    [Fact]
    public void EveryBreakageIsCoveredByTheTheory()
    {
        var covered = typeof(CheckInRulesTests)
            .GetMethod(nameof(EachBrokenRuleNamesItsField))!
            .GetCustomAttributes(typeof(InlineDataAttribute), false)
            .Cast<InlineDataAttribute>()
            .Select(a => (string)a.GetData(null!).Single()[0]);

        Assert.Equal(Breakages.Keys.Order(StringComparer.Ordinal), covered.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void WithoutTheClockOnlyTheDefinitionItselfIsJudged()
    {
        var old = Valid with { StartsAt = Now.AddYears(-5), EndsAt = Now.AddYears(-5).AddHours(1) };

        Assert.Empty(CheckInRules.Validate(old, now: null));
        Assert.True(CheckInRules.Validate(old, Now).ContainsKey("startsAt"));
    }
}
