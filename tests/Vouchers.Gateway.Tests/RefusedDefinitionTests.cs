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
