using System.Net;
using Vouchers.Contracts;
using Vouchers.Http.Contracts;
using Vouchers.Testing.Gateway;

namespace Vouchers.Gateway.Tests;

/// <summary>
/// Inputs the session and application grains refuse as Invalid are answered 400 naming the field (the gateway checks
/// them first), and leave nothing behind.
/// </summary>
public sealed class RefusedDefinitionTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    private readonly HttpClient school = gateway.ClientFor(Demo.InstitutionSzSkillsSchool);
    private readonly HttpClient admin = gateway.ClientFor(Demo.AdminGuangdong);

    public static TheoryData<string, string> BadSchedules => new()
    {
        { "fixed expiry before the window closes", "fixedExpiry" },
        { "fixed expiry in the past", "fixedExpiry" },
        { "claim window over", "claimClosesAt" },
    };

    private static BatchRequest Schedule(string name)
    {
        var now = DateTimeOffset.UtcNow;
        return name switch
        {
            // Until these were refused, a claim answered 200 with expiresAt before claimedAt.
            "fixed expiry before the window closes" => VoucherApi.NewBatch() with { DaysValidAfterClaim = null, FixedExpiry = now.AddMinutes(30) },
            "fixed expiry in the past" => VoucherApi.NewBatch() with { ClaimOpensAt = now.AddDays(-3), ClaimClosesAt = now.AddDays(-2), DaysValidAfterClaim = null, FixedExpiry = now.AddDays(-1) },
            "claim window over" => VoucherApi.NewBatch() with { ClaimOpensAt = now.AddDays(-3), ClaimClosesAt = now.AddMinutes(-1) },
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
    }

    [Theory]
    [MemberData(nameof(BadSchedules))]
    public async Task ABatchWhoseScheduleCannotIssueAUsableVoucherIsABadRequestNamingTheFieldAndIsNotCreated(string schedule, string field)
    {
        var request = Schedule(schedule);
        var before = (await VoucherApi.ReadAsync<BatchSummary[]>(await admin.GetAsync("/api/v1/admin/batches"))).Length;

        await VoucherApi.ValidationProblemAsync(await admin.PostJsonAsync("/api/v1/admin/batches", request), field);

        var after = await VoucherApi.ReadAsync<BatchSummary[]>(await admin.GetAsync("/api/v1/admin/batches"));
        Assert.Equal(before, after.Length);
        Assert.DoesNotContain(after, b => b.Title == request.Title);
    }

    [Theory]
    [MemberData(nameof(BadSchedules))]
    public async Task APutThatGivesABatchSuchAScheduleIsABadRequestNamingTheFieldAndChangesNothing(string schedule, string field)
    {
        var batch = await admin.CreateActiveBatchAsync(VoucherApi.NewBatch());

        await VoucherApi.ValidationProblemAsync(await admin.PutJsonAsync($"/api/v1/admin/batches/{batch.Id}", Schedule(schedule)), field);

        var after = await admin.GetBatchAsync(batch.Id);
        Assert.Equal((batch.Definition.Title, batch.Definition.ClaimClosesAt, batch.Definition.FixedExpiry, BatchStatus.Active),
            (after.Definition.Title, after.Definition.ClaimClosesAt, after.Definition.FixedExpiry, after.Status));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-60)]
    [InlineData(13 * 60)]
    public async Task AClassSessionWhoseEndIsNotValidIsABadRequestNamingEndsAtAndIsNotPublished(int minutesAfterStart)
    {
        var startsAt = DateTimeOffset.UtcNow.AddDays(1);
        var sessionId = $"cs-{Guid.NewGuid():N}"[..20];
        var request = new ClassSessionRequest(sessionId, $"class-{Guid.NewGuid():N}"[..20], null, "Wiring, part 1", startsAt, startsAt.AddMinutes(minutesAfterStart));

        var response = await school.PostJsonAsync("/api/v1/institution/class-sessions", request);

        await VoucherApi.ValidationProblemAsync(response, "endsAt");
        await VoucherApi.ProblemAsync(await school.GetAsync($"/api/v1/institution/class-sessions/{sessionId}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AClassSessionWithoutATitleIsABadRequestNamingTitle()
    {
        var startsAt = DateTimeOffset.UtcNow.AddDays(1);
        var request = new ClassSessionRequest(null, $"class-{Guid.NewGuid():N}"[..20], null, "  ", startsAt, startsAt.AddHours(2));

        await VoucherApi.ValidationProblemAsync(await school.PostJsonAsync("/api/v1/institution/class-sessions", request), "title");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(501)]
    public async Task ASubsidyApplicationWithoutCodesOrWithTooManyIsABadRequestNamingCodes(int count)
    {
        var requestId = VoucherApi.NewRequestId();
        var codes = Enumerable.Range(0, count).Select(_ => VoucherApi.UnknownCode()).ToArray();

        var response = await school.PostJsonAsync("/api/v1/institution/subsidy-applications", new SubsidyApplicationRequest(Demo.BatchId, codes, requestId));

        await VoucherApi.ValidationProblemAsync(response, "codes");
        var retried = await school.PostJsonAsync("/api/v1/institution/subsidy-applications", new SubsidyApplicationRequest(Demo.BatchId, [VoucherApi.UnknownCode()], requestId));
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        var application = await VoucherApi.ReadAsync<SubsidyApplicationView>(retried);
        Assert.Equal(SubsidyLineStatus.Refused, Assert.Single(application.Lines).Status);
    }
}
