using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Vouchers.Contracts;
using Vouchers.Http.Contracts;
using Vouchers.Http.Persons;
using Vouchers.Testing.Gateway;

namespace Vouchers.Gateway.Tests;

/// <summary>Bad input gets a 4xx problem that names the field, never a 5xx, and changes nothing.</summary>
public sealed class BadInputTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    private readonly HttpClient admin = gateway.ClientFor(Demo.AdminGuangdong);
    private readonly HttpClient channel = gateway.ClientFor(Demo.ChannelNationalApp);
    private readonly HttpClient institution = gateway.ClientFor(Demo.InstitutionSzSkillsSchool);

    [Fact]
    public async Task MalformedJsonIsABadRequestNamingTheBody()
    {
        var response = await channel.PostRawAsync("/api/v1/channel/claims", """{"requestId": "r-1", "batchId": """);

        var problem = await VoucherApi.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("urn:vouchers:problem:validation", problem.GetProperty("type").GetString());
        Assert.True(problem.GetProperty("errors").EnumerateObject().Any());
    }

    [Fact]
    public async Task ValueOfTheWrongJsonTypeIsABadRequestNamingTheField()
    {
        var response = await admin.PostRawAsync("/api/v1/admin/batches", """{"title": "t", "quantity": "abc"}""");

        await VoucherApi.ValidationProblemAsync(response, "quantity");
    }

    [Fact]
    public async Task NestedValueOfTheWrongJsonTypeIsNamedByItsPath()
    {
        var response = await admin.PostRawAsync("/api/v1/admin/batches", """{"title": "t", "eligibility": {"minAge": "old"}}""");

        await VoucherApi.ValidationProblemAsync(response, "eligibility.minAge");
    }

    [Fact]
    public async Task EmptyBodyIsABadRequest()
    {
        var response = await channel.PostRawAsync("/api/v1/channel/claims", "");

        var problem = await VoucherApi.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("urn:vouchers:problem:validation", problem.GetProperty("type").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("body", out _), "the problem names the body");
    }

    [Fact]
    public async Task BodyOverTheLimitIsTooLarge()
    {
        var padding = new string('x', 65 * 1024);
        var person = TestPerson.New();
        var response = await channel.PostRawAsync("/api/v1/channel/claims",
            $$"""{"requestId": "{{VoucherApi.NewRequestId()}}", "batchId": "{{Demo.BatchId}}", "idNumber": "{{person.IdNumber}}", "name": "{{padding}}"}""");

        await VoucherApi.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        var wallet = await VoucherApi.ReadAsync<WalletResponse>(await channel.PostJsonAsync("/api/v1/channel/wallet", VoucherApi.Wallet(person)));
        Assert.Empty(wallet.Vouchers);
    }

    [Fact]
    public async Task BodyOfTheWrongMediaTypeIsUnsupported()
    {
        var response = await channel.PostRawAsync("/api/v1/channel/wallet", """{"idNumber": "440305199003072319"}""", "text/plain");

        await VoucherApi.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    public static TheoryData<string, string> BadIdNumbers => new()
    {
        { "wrong check digit", IdNumbers.WithWrongCheckCharacter(IdNumbers.New()) },
        { "impossible date", IdNumbers.WithCheckCharacter("440305" + "19990230" + "123") },
        { "17 characters", IdNumbers.New()[..17] },
        { "19 characters", IdNumbers.New() + "1" },
        { "letters", "44030519900307231A" },
        { "unknown province", IdNumbers.Build("990305", new DateOnly(1990, 3, 7), 231) },
        { "born in the future", IdNumbers.Build("440305", DateOnly.FromDateTime(DateTime.UtcNow).AddYears(1), 231) },
        { "empty", "" },
    };

    [Theory]
    [MemberData(nameof(BadIdNumbers))]
    public async Task ClaimWithABadIdNumberIsABadRequestNamingIdNumber(string why, string idNumber)
    {
        var body = VoucherApi.Claim(TestPerson.New(), Demo.BatchId) with { IdNumber = idNumber };

        var response = await channel.PostJsonAsync("/api/v1/channel/claims", body);

        var problem = await VoucherApi.ValidationProblemAsync(response, "idNumber");
        Assert.True(problem.GetProperty("errors").EnumerateObject().Count() == 1, $"{why}: only idNumber is wrong");
    }

    [Fact]
    public async Task WalletWithAnImpossibleBirthDateIsABadRequestNamingIdNumber()
    {
        var idNumber = IdNumbers.WithCheckCharacter("440305" + "19990230" + "123");

        var response = await channel.PostJsonAsync("/api/v1/channel/wallet", new WalletRequest(idNumber, VoucherApi.FreshAttestation()));

        await VoucherApi.ValidationProblemAsync(response, "idNumber");
    }

    [Fact]
    public async Task ClaimWithAStaleAttestationIsRefusedAndIssuesNothing()
    {
        var person = TestPerson.New();
        var body = VoucherApi.Claim(person, Demo.BatchId) with { Attestation = new AttestationRequest("face", DateTimeOffset.UtcNow.AddMinutes(-10)) };

        var response = await channel.PostJsonAsync("/api/v1/channel/claims", body);

        await VoucherApi.ValidationProblemAsync(response, "attestation.verifiedAt");
        var wallet = await VoucherApi.ReadAsync<WalletResponse>(await channel.PostJsonAsync("/api/v1/channel/wallet", VoucherApi.Wallet(person)));
        Assert.Empty(wallet.Vouchers);
    }

    [Fact]
    public async Task ClaimWithAnUnknownAttestationMethodNamesTheMethod()
    {
        var body = VoucherApi.Claim(TestPerson.New(), Demo.BatchId) with { Attestation = new AttestationRequest("sms", DateTimeOffset.UtcNow) };

        var response = await channel.PostJsonAsync("/api/v1/channel/claims", body);

        await VoucherApi.ValidationProblemAsync(response, "attestation.method");
    }

    [Fact]
    public async Task TheAttestationMethodIsReadRegardlessOfCase()
    {
        // What a client generated with System.Text.Json sends: the enum's C# name.
        var body = VoucherApi.Claim(TestPerson.New(), Demo.BatchId) with { Attestation = new AttestationRequest("Face", DateTimeOffset.UtcNow) };

        var response = await channel.PostJsonAsync("/api/v1/channel/claims", body);

        Assert.Equal(VoucherStatus.Claimed, (await VoucherApi.ReadAsync<VoucherView>(response)).Status);
    }

    [Fact]
    public async Task ClaimWithoutARequestIdIsABadRequestNamingRequestId()
    {
        var person = TestPerson.New();
        var body = VoucherApi.Claim(person, Demo.BatchId) with { RequestId = null };

        var response = await channel.PostJsonAsync("/api/v1/channel/claims", body);

        await VoucherApi.ValidationProblemAsync(response, "requestId");
        var wallet = await VoucherApi.ReadAsync<WalletResponse>(await channel.PostJsonAsync("/api/v1/channel/wallet", VoucherApi.Wallet(person)));
        Assert.Empty(wallet.Vouchers);
    }

    [Fact]
    public async Task ClaimOnAnUnknownBatchIsNotFound()
    {
        var response = await channel.PostJsonAsync("/api/v1/channel/claims", VoucherApi.Claim(TestPerson.New(), "no-such-batch-here"));

        var problem = await VoucherApi.ProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Equal("urn:vouchers:problem:not-found", problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task BatchThatClosesBeforeItOpensIsABadRequestNamingClaimClosesAt()
    {
        var now = DateTimeOffset.UtcNow;
        var batch = VoucherApi.NewBatch() with { ClaimOpensAt = now.AddDays(2), ClaimClosesAt = now.AddDays(1) };

        var response = await admin.PostJsonAsync("/api/v1/admin/batches", batch);

        await VoucherApi.ValidationProblemAsync(response, "claimClosesAt");
        await AssertNoBatchTitledAsync(batch.Title!);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(10_000_001)]
    public async Task BatchWithAQuantityOutOfRangeIsABadRequestNamingQuantity(int quantity)
    {
        var batch = VoucherApi.NewBatch() with { Quantity = quantity };

        var response = await admin.PostJsonAsync("/api/v1/admin/batches", batch);

        await VoucherApi.ValidationProblemAsync(response, "quantity");
        await AssertNoBatchTitledAsync(batch.Title!);
    }

    [Fact]
    public async Task BatchOfAnUnknownProgramIsABadRequestNamingProgramId()
    {
        var batch = VoucherApi.NewBatch() with { ProgramId = "no-such-program" };

        var response = await admin.PostJsonAsync("/api/v1/admin/batches", batch);

        await VoucherApi.ValidationProblemAsync(response, "programId");
        await AssertNoBatchTitledAsync(batch.Title!);
    }

    [Fact]
    public async Task BatchNamingUnknownInstitutionsAndChannelsNamesBothLists()
    {
        var batch = VoucherApi.NewBatch() with { EligibleInstitutionIds = ["no-such-school"], EnabledChannelIds = ["no-such-app"] };

        var response = await admin.PostJsonAsync("/api/v1/admin/batches", batch);

        await VoucherApi.ValidationProblemAsync(response, "eligibleInstitutionIds");
        await VoucherApi.ValidationProblemAsync(await admin.PostJsonAsync("/api/v1/admin/batches", batch), "enabledChannelIds");
    }

    [Fact]
    public async Task BatchMissingEveryRequiredFieldNamesEachOfThem()
    {
        var response = await admin.PostRawAsync("/api/v1/admin/batches", "{}");

        var problem = await VoucherApi.ValidationProblemAsync(response, "title");
        var fields = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "title", "programId", "claimOpensAt", "claimClosesAt", "quantity", "subsidyAmount", "fundingSource" }, fields);
    }

    [Theory]
    [InlineData("0000")]
    [InlineData("not-a-voucher-code-at-all")]
    [InlineData("UUUUUUUUUUUUUUUUU")]
    public async Task UseOfAMalformedCodeIsABadRequestNamingTheCode(string code)
    {
        var response = await institution.PostAsync($"/api/v1/institution/vouchers/{code}/use", null);

        await VoucherApi.ValidationProblemAsync(response, "code");
    }

    [Fact]
    public async Task UseOfACodeWithAWrongCheckCharacterIsABadRequestNamingTheCode()
    {
        var response = await institution.PostAsync($"/api/v1/institution/vouchers/{VoucherApi.CodeWithWrongCheckCharacter()}/use", null);

        await VoucherApi.ValidationProblemAsync(response, "code");
    }

    [Fact]
    public async Task UseOfAnUnknownWellFormedCodeIsNotFound()
    {
        var response = await institution.PostAsync($"/api/v1/institution/vouchers/{VoucherApi.UnknownCode()}/use", null);

        await VoucherApi.ProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task VerifyOfACodeWithAWrongCheckCharacterAnswersExactlyLikeACodeNeverIssued()
    {
        var mistyped = VoucherApi.CodeWithWrongCheckCharacter();
        var neverIssued = Domain.VoucherCode.New();

        var a = await institution.PostAsJsonAsync("/api/v1/institution/verifications", new VerifyRequest(mistyped));
        var b = await institution.PostAsJsonAsync("/api/v1/institution/verifications", new VerifyRequest(neverIssued));

        // The same status, headers of the same kind and the same body but for the code itself: no oracle.
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (a.StatusCode, b.StatusCode));
        var bodyA = (await a.Content.ReadAsStringAsync()).Replace(mistyped, "CODE", StringComparison.Ordinal);
        var bodyB = (await b.Content.ReadAsStringAsync()).Replace(neverIssued, "CODE", StringComparison.Ordinal);
        Assert.Equal(bodyB, bodyA);
        Assert.Contains("\"verdict\":\"unknown\"", bodyA, StringComparison.Ordinal);
        Assert.Equal(b.Content.Headers.ContentType, a.Content.Headers.ContentType);
    }

    [Fact]
    public async Task VerifyOfSomethingThatIsNoCodeAtAllSaysMalformed()
    {
        var verdict = await institution.VerifyAsync("NOT-A-VOUCHER");

        Assert.False(verdict.Valid);
        Assert.Equal(VerifyVerdict.Malformed, verdict.Verdict);
        Assert.Null(verdict.Voucher);
    }

    [Fact]
    public async Task VerifyOfAnUnknownWellFormedCodeSaysUnknown()
    {
        var verdict = await institution.VerifyAsync(VoucherApi.UnknownCode());

        Assert.False(verdict.Valid);
        Assert.Equal(VerifyVerdict.Unknown, verdict.Verdict);
    }

    [Fact]
    public async Task VerifyWithoutACodeIsABadRequestNamingTheCode()
    {
        var response = await institution.PostRawAsync("/api/v1/institution/verifications", """{"code": "   "}""");

        await VoucherApi.ValidationProblemAsync(response, "code");
    }

    [Fact]
    public async Task ReturnWithAStaleAttestationKeepsTheVoucher()
    {
        var person = TestPerson.New();
        var voucher = await channel.ClaimAsync(person, Demo.BatchId);

        var response = await channel.PostJsonAsync($"/api/v1/channel/vouchers/{voucher.Code}/return",
            new ReturnRequest(person.IdNumber, new AttestationRequest("face", DateTimeOffset.UtcNow.AddMinutes(-10))));

        await VoucherApi.ValidationProblemAsync(response, "attestation.verifiedAt");
        Assert.Equal(VerifyVerdict.Valid, (await institution.VerifyAsync(voucher.Code)).Verdict);
    }

    [Fact]
    public async Task ReturnByAnotherPersonIsNotFoundAndKeepsTheVoucher()
    {
        var voucher = await channel.ClaimAsync(TestPerson.New(), Demo.BatchId);

        var response = await channel.PostJsonAsync($"/api/v1/channel/vouchers/{voucher.Code}/return",
            new ReturnRequest(TestPerson.New().IdNumber, VoucherApi.FreshAttestation()));

        await VoucherApi.ProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Equal(VerifyVerdict.Valid, (await institution.VerifyAsync(voucher.Code)).Verdict);
    }

    [Theory]
    [InlineData("application/json; charset=nonsense")]
    [InlineData("application/json; charset=")]
    public async Task BodyInAnUnknownCharsetIsUnsupportedNotAServerError(string contentType)
    {
        var person = TestPerson.New();
        var content = new StringContent(JsonSerializer.Serialize(VoucherApi.Claim(person, Demo.BatchId), VoucherApi.Json));
        content.Headers.Remove("Content-Type");
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        var response = await channel.PostAsync("/api/v1/channel/claims", content);

        await VoucherApi.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        var wallet = await VoucherApi.ReadAsync<WalletResponse>(await channel.PostJsonAsync("/api/v1/channel/wallet", VoucherApi.Wallet(person)));
        Assert.Empty(wallet.Vouchers);
    }

    [Fact]
    public async Task ReviewWithANullDecisionIsABadRequestNamingItAndDecidesNothing()
    {
        var voucher = await channel.ClaimAsync(TestPerson.New(), Demo.BatchId);
        Assert.Equal(HttpStatusCode.OK, (await institution.PostAsync($"/api/v1/institution/vouchers/{voucher.Code}/use", null)).StatusCode);
        var application = await VoucherApi.ReadAsync<SubsidyApplicationView>(await institution.PostJsonAsync(
            "/api/v1/institution/subsidy-applications", new SubsidyApplicationRequest(Demo.BatchId, [voucher.Code])));

        var response = await admin.PostRawAsync($"/api/v1/admin/subsidy-applications/{application.Id}/review",
            $$"""{"decisions": [{"code": "{{voucher.Code}}", "approve": true}, null]}""");

        await VoucherApi.ValidationProblemAsync(response, "decisions[1]");
        var unchanged = await admin.GetFromJsonAsync<SubsidyApplicationView>($"/api/v1/admin/subsidy-applications/{application.Id}", VoucherApi.Json);
        Assert.Equal(SubsidyLineStatus.Pending, Assert.Single(unchanged!.Lines).Status);
    }

    private async Task AssertNoBatchTitledAsync(string title)
    {
        var all = await admin.GetFromJsonAsync<BatchSummary[]>("/api/v1/admin/batches", VoucherApi.Json);
        Assert.DoesNotContain(all!, b => b.Title == title);
    }
}
