using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Http.Contracts;
using Vouchers.Testing.Gateway;
using Vouchers.Testing.Logging;

namespace Vouchers.Gateway.Tests;

/// <summary>A gateway (with its co-hosted silo) whose every log line, of every category and level down to Trace, is kept.</summary>
public sealed class TraceLoggingGatewayFactory : GatewayFactory
{
    public CapturedLogs Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging =>
        {
            logging.AddProvider(Logs);
            // A rule for this provider and every category outranks appsettings' "Orleans": "Warning" and the like.
            logging.AddFilter<CapturedLogs>(null, LogLevel.Trace);
            logging.SetMinimumLevel(LogLevel.Trace);
        });
    }
}

/// <summary>
/// A whole voucher lifecycle, with refused requests among it, logged at Trace by every category (ASP.NET Core's
/// request paths and Orleans' grain ids included): the log holds no raw ID number, no full name, no full voucher code.
/// </summary>
public sealed class LogHygieneTests(TraceLoggingGatewayFactory gateway) : IClassFixture<TraceLoggingGatewayFactory>
{
    private const double SchoolLatitude = 22.5431;
    private const double SchoolLongitude = 114.0579;

    [Fact]
    public async Task ALifecycleLoggedAtTraceLeavesNoIdNumberNameOrVoucherCodeInTheLog()
    {
        var admin = gateway.ClientFor(Demo.AdminGuangdong);
        var channel = gateway.ClientFor(Demo.ChannelNationalApp);
        var school = gateway.ClientFor(Demo.InstitutionSzSkillsSchool);
        var college = gateway.ClientFor(Demo.InstitutionGzTechCollege);
        var people = new[] { TestPerson.New(), TestPerson.New() };
        var secrets = new List<string>();
        secrets.AddRange(people.SelectMany(p => new[] { p.IdNumber, p.Name }));

        // Define and activate; claim; read the wallet.
        var batch = await admin.CreateActiveBatchAsync(VoucherApi.NewBatch() with { EligibleInstitutionIds = [] });
        var vouchers = new List<VoucherView>();
        foreach (var person in people)
        {
            vouchers.Add(await channel.ClaimAsync(person, batch.Id));
        }

        secrets.AddRange(vouchers.Select(v => v.Code));
        Assert.Equal(vouchers[0].Code, Assert.Single((await channel.WalletAsync(people[0])).Vouchers).Code);

        // Verify, use (by code in the path), check in, read the attendance (by code in the path).
        Assert.Equal(VerifyVerdict.Valid, (await school.VerifyAsync(vouchers[0].Code)).Verdict);
        await school.UseAsync(vouchers[0].Code);
        var session = await VoucherApi.ReadAsync<ClassSessionView>(await school.PostJsonAsync("/api/v1/institution/class-sessions",
            new ClassSessionRequest($"cs-{Guid.NewGuid():N}"[..20], "wiring-" + Guid.NewGuid().ToString("N")[..8], null, "Wiring",
                DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow.AddHours(2))), HttpStatusCode.Created);
        var checkIn = await channel.PostJsonAsync("/api/v1/channel/check-ins", new CheckInBody
        {
            RequestId = VoucherApi.NewRequestId(),
            IdNumber = people[0].IdNumber,
            Attestation = VoucherApi.FreshAttestation(),
            InstitutionId = Demo.SzSkillsSchool,
            SessionId = session.Id,
            Latitude = SchoolLatitude,
            Longitude = SchoolLongitude,
            AccuracyMeters = 10,
        });
        Assert.Equal(HttpStatusCode.Created, checkIn.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await school.GetAsync($"/api/v1/institution/vouchers/{vouchers[0].Code}/attendance")).StatusCode);

        // Apply for the subsidy, review, disburse (which redeems the voucher).
        var application = await school.ApplyForSubsidyAsync(batch.Id, vouchers[0].Code);
        await admin.ApproveAsync(application.Id, vouchers[0].Code);
        var disbursed = await admin.DisburseAsync(application.Id);
        Assert.Equal(VoucherStatus.Redeemed, (await school.VerifyAsync(vouchers[0].Code)).Voucher!.Status);
        Assert.NotNull(disbursed);

        // Refused requests: a second claim, another institution's use, codes naming no voucher, a bad ID number, a bad name.
        Assert.Equal(HttpStatusCode.Conflict, (await channel.PostClaimAsync(people[1], batch.Id, VoucherApi.NewRequestId())).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await college.PostAsync($"/api/v1/institution/vouchers/{vouchers[0].Code}/use", null)).StatusCode);
        var unknown = VoucherApi.UnknownCode();
        var mistyped = VoucherApi.CodeWithWrongCheckCharacter();
        secrets.AddRange([unknown, mistyped]);
        Assert.Equal(VerifyVerdict.Unknown, (await school.VerifyAsync(unknown)).Verdict);
        Assert.Equal(HttpStatusCode.NotFound, (await school.PostAsync($"/api/v1/institution/vouchers/{unknown}/use", null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await school.PostAsync($"/api/v1/institution/vouchers/{mistyped}/use", null)).StatusCode);
        var badId = people[1].IdNumber[..17] + (people[1].IdNumber[17] == '0' ? '1' : '0');
        secrets.Add(badId);
        await VoucherApi.ValidationProblemAsync(await channel.PostJsonAsync("/api/v1/channel/claims", VoucherApi.Claim(people[1], batch.Id) with { IdNumber = badId }), "idNumber");
        await VoucherApi.ValidationProblemAsync(await channel.PostJsonAsync("/api/v1/channel/claims", VoucherApi.Claim(people[1], batch.Id) with { Name = people[1].Name + "\u202E" }), "name");
        Assert.Equal(VoucherStatus.Returned, (await channel.ReturnAsync(people[1], vouchers[1].Code)).Status);

        var log = gateway.Logs.Text;

        // The log saw the lifecycle in detail (so the scan below scans something), with codes in their masked form.
        Assert.Contains(gateway.Logs.Lines, l => l.Level == LogLevel.Trace && l.Category.StartsWith("Orleans", StringComparison.Ordinal));
        Assert.Contains(gateway.Logs.Lines, l => l.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) && l.Message.Contains("/vouchers/", StringComparison.Ordinal));
        Assert.Contains(Masking.MaskCode(vouchers[0].Code), log, StringComparison.Ordinal);
        foreach (var secret in secrets)
        {
            Assert.False(log.Contains(secret, StringComparison.OrdinalIgnoreCase), $"The log holds '{secret}':{Environment.NewLine}{Around(log, secret)}");
        }
    }

    private static string Around(string log, string secret)
    {
        var at = log.IndexOf(secret, StringComparison.OrdinalIgnoreCase);
        return log.Substring(Math.Max(0, at - 300), Math.Min(log.Length - Math.Max(0, at - 300), 600 + secret.Length));
    }
}
