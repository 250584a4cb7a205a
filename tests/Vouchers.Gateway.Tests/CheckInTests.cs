using System.Net;
using System.Text.Json;
using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Http.Contracts;
using Vouchers.Testing.Gateway;

namespace Vouchers.Gateway.Tests;

/// <summary>
/// Training check-in over HTTP: the Shenzhen school (22.5431, 114.0579, radius 300 m) publishes sessions, people
/// enrolled there check in through the national app. Sessions are placed around the real clock, as the gateway reads it.
/// </summary>
public sealed class CheckInTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    private const double SchoolLatitude = 22.5431;
    private const double SchoolLongitude = 114.0579;
    private const int SchoolRadius = 300;

    private readonly HttpClient admin = gateway.ClientFor(Demo.AdminGuangdong);
    private readonly HttpClient channel = gateway.ClientFor(Demo.ChannelNationalApp);
    private readonly HttpClient school = gateway.ClientFor(Demo.InstitutionSzSkillsSchool);
    private readonly HttpClient college = gateway.ClientFor(Demo.InstitutionGzTechCollege);

    private static DateTimeOffset Now => DateTimeOffset.UtcNow;

    [Fact]
    public async Task CheckInInsideTheRadiusDuringTheSessionIsCreatedWithTheHolderMasked()
    {
        var (person, voucher) = await EnrolledPersonAsync();
        var classId = NewClassId();
        var session = await PublishAsync(classId, Now.AddMinutes(-10), Now.AddHours(2));
        var (latitude, longitude) = North(120);

        var response = await channel.PostJsonAsync("/api/v1/channel/check-ins", CheckIn(person, session.Id, latitude, longitude));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        Assert.DoesNotContain(person.IdNumber, body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(person.Name, body, StringComparison.Ordinal);
        var checkIn = await VoucherApi.ReadAsync<CheckInResponse>(response);
        Assert.Equal((session.Id, Demo.SzSkillsSchool, classId, voucher.Code), (checkIn.SessionId, checkIn.InstitutionId, checkIn.ClassId, checkIn.VoucherCode));
        Assert.Equal((voucher.HolderName, voucher.HolderIdNumber), (checkIn.HolderName, checkIn.HolderIdNumber));
        Assert.Equal(120.0, checkIn.DistanceMeters);
        Assert.Equal(12.0, checkIn.AccuracyMeters);
        Assert.False(checkIn.AlreadyCheckedIn);
        Assert.InRange(checkIn.CheckedInAt, Now.AddMinutes(-1), Now);

        var attendance = await GetAsync<SessionAttendance>(school, $"/api/v1/institution/class-sessions/{session.Id}/attendance");
        Assert.Equal(1, attendance.Session.CheckIns);
        var recorded = Assert.Single(attendance.CheckIns);
        Assert.Equal((voucher.Code, voucher.HolderName, voucher.HolderIdNumber, 120.0), (recorded.VoucherCode, recorded.HolderName, recorded.HolderIdNumber, recorded.DistanceMeters));

        // The check-in is counted under the voucher's batch and the school.
        var statistics = await Testing.Poll.UntilAsync(
            () => GetAsync<StatisticsResponse>(admin, $"/api/v1/admin/statistics?batchId={voucher.BatchId}&groupBy=institution"),
            s => s.Total.CheckedIn == 1, TimeSpan.FromSeconds(20), s => $"the check-in to be counted; last {s.Total}");
        Assert.Equal(1, Assert.Single(statistics.Rows, r => r.Key == Demo.SzSkillsSchool).CheckedIn);
    }

    [Fact]
    public async Task SecondCheckInAnswersTheFirstAndIsCountedOnce()
    {
        var (person, _) = await EnrolledPersonAsync(enabledChannelIds: [Demo.NationalApp, Demo.BankApp]);
        var classId = NewClassId();
        var session = await PublishAsync(classId, Now.AddMinutes(-10), Now.AddHours(2));
        var (latitude, longitude) = North(50);
        var first = await channel.PostJsonAsync("/api/v1/channel/check-ins", CheckIn(person, session.Id, latitude, longitude));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var firstCheckIn = await VoucherApi.ReadAsync<CheckInResponse>(first);

        // Another channel the batch enables, another position: still the same person and session.
        var (otherLatitude, otherLongitude) = North(200);
        var second = await gateway.ClientFor(Demo.ChannelBankApp).PostJsonAsync("/api/v1/channel/check-ins", CheckIn(person, session.Id, otherLatitude, otherLongitude));

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var secondCheckIn = await VoucherApi.ReadAsync<CheckInResponse>(second);
        Assert.True(secondCheckIn.AlreadyCheckedIn);
        Assert.Equal(firstCheckIn with { AlreadyCheckedIn = true }, secondCheckIn);
        var attendance = await GetAsync<ClassAttendance>(school, $"/api/v1/institution/attendance?classId={classId}");
        Assert.Equal(1, Assert.Single(attendance.Vouchers).SessionsAttended);
        Assert.Equal(1, (await GetAsync<ClassSessionView>(school, $"/api/v1/institution/class-sessions/{session.Id}")).CheckIns);
    }

    [Fact]
    public async Task PositionJustOutsideTheRadiusIsRefusedNamingTheDistance()
    {
        var (person, _) = await EnrolledPersonAsync();
        var session = await PublishAsync(NewClassId(), Now.AddMinutes(-10), Now.AddHours(2));
        var (latitude, longitude) = North(SchoolRadius + 10);

        var response = await channel.PostJsonAsync("/api/v1/channel/check-ins", CheckIn(person, session.Id, latitude, longitude));

        var problem = await VoucherApi.ProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("urn:vouchers:problem:outside-check-in-radius", problem.GetProperty("type").GetString());
        Assert.Equal(310.0, problem.GetProperty("distanceMeters").GetDouble());
        Assert.Equal(SchoolRadius, problem.GetProperty("radiusMeters").GetInt32());
        Assert.Contains("310.0 m", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AssertNoCheckInsAsync(session.Id);
    }

    [Fact]
    public async Task CheckInBeforeTheWindowOpensOrAfterTheSessionEndsIsRefused()
    {
        var (person, _) = await EnrolledPersonAsync();
        var classId = NewClassId();
        var upcoming = await PublishAsync(classId, Now.AddMinutes(45), Now.AddHours(3));
        var over = await PublishAsync(classId, Now.AddHours(-3), Now.AddMinutes(-1));
        var (latitude, longitude) = North(10);

        var early = await channel.PostJsonAsync("/api/v1/channel/check-ins", CheckIn(person, upcoming.Id, latitude, longitude));
        var late = await channel.PostJsonAsync("/api/v1/channel/check-ins", CheckIn(person, over.Id, latitude, longitude));

        var tooEarly = await VoucherApi.ProblemAsync(early, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("urn:vouchers:problem:outside-session-window", tooEarly.GetProperty("type").GetString());
        Assert.Equal(upcoming.StartsAt.AddMinutes(-30), tooEarly.GetProperty("checkInOpensAt").GetDateTimeOffset());
        Assert.Equal(upcoming.EndsAt, tooEarly.GetProperty("endsAt").GetDateTimeOffset());
        var tooLate = await VoucherApi.ProblemAsync(late, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("urn:vouchers:problem:outside-session-window", tooLate.GetProperty("type").GetString());
        Assert.NotEqual(tooEarly.GetProperty("title").GetString(), tooLate.GetProperty("title").GetString());
        await AssertNoCheckInsAsync(upcoming.Id);
        await AssertNoCheckInsAsync(over.Id);
    }

    [Fact]
    public async Task PersonWithoutAVoucherUsedAtTheInstitutionIsNotEnrolled()
    {
        var batch = await admin.CreateActiveBatchAsync(VoucherApi.NewBatch(quantity: 5) with { EligibleInstitutionIds = [Demo.SzSkillsSchool, Demo.GzTechCollege] });
        var claimedOnly = TestPerson.New();
        var claimed = await channel.ClaimAsync(claimedOnly, batch.Id);
        var usedElsewhere = TestPerson.New();
        var elsewhere = await channel.ClaimAsync(usedElsewhere, batch.Id);
        Assert.Equal(HttpStatusCode.OK, (await college.PostAsync($"/api/v1/institution/vouchers/{elsewhere.Code}/use", null)).StatusCode);
        var (enrolled, _) = await EnrolledPersonAsync();
        var session = await PublishAsync(NewClassId(), Now.AddMinutes(-10), Now.AddHours(2));
        var (latitude, longitude) = North(10);

        foreach (var person in new[] { claimedOnly, usedElsewhere, TestPerson.New() })
        {
            var response = await channel.PostJsonAsync("/api/v1/channel/check-ins", CheckIn(person, session.Id, latitude, longitude));

            var problem = await VoucherApi.ProblemAsync(response, HttpStatusCode.UnprocessableEntity);
            Assert.Equal("urn:vouchers:problem:not-enrolled", problem.GetProperty("type").GetString());
        }

        // A voucher named in the body must be one of the person's own vouchers used here: the person's own voucher
        // not used here is not enrolling; somebody else's is, for this person, no voucher at all.
        var ownNotUsed = await channel.PostJsonAsync("/api/v1/channel/check-ins", CheckIn(claimedOnly, session.Id, latitude, longitude) with { VoucherCode = claimed.Code });
        Assert.Equal("urn:vouchers:problem:not-enrolled", (await VoucherApi.ProblemAsync(ownNotUsed, HttpStatusCode.UnprocessableEntity)).GetProperty("type").GetString());
        var someoneElses = await channel.PostJsonAsync("/api/v1/channel/check-ins", CheckIn(enrolled, session.Id, latitude, longitude) with { VoucherCode = elsewhere.Code });
        Assert.Equal("urn:vouchers:problem:not-found", (await VoucherApi.ProblemAsync(someoneElses, HttpStatusCode.NotFound)).GetProperty("type").GetString());
        await AssertNoCheckInsAsync(session.Id);
    }

    [Fact]
    public async Task AnotherInstitutionsSessionIsNotFound()
    {
        var (person, _) = await EnrolledPersonAsync();
        var session = await PublishAsync(NewClassId(), Now.AddMinutes(-10), Now.AddHours(2));
        var (latitude, longitude) = North(10);

        var atCollege = await channel.PostJsonAsync("/api/v1/channel/check-ins", CheckIn(person, session.Id, latitude, longitude) with { InstitutionId = Demo.GzTechCollege });
        var unknown = await channel.PostJsonAsync("/api/v1/channel/check-ins", CheckIn(person, "no-such-session", latitude, longitude));
        var readByCollege = await college.GetAsync($"/api/v1/institution/class-sessions/{session.Id}/attendance");
        var sessionByCollege = await college.GetAsync($"/api/v1/institution/class-sessions/{session.Id}");

        Assert.Equal("urn:vouchers:problem:not-found", (await VoucherApi.ProblemAsync(atCollege, HttpStatusCode.NotFound)).GetProperty("type").GetString());
        await VoucherApi.ProblemAsync(unknown, HttpStatusCode.NotFound);
        await VoucherApi.ProblemAsync(readByCollege, HttpStatusCode.NotFound);
        await VoucherApi.ProblemAsync(sessionByCollege, HttpStatusCode.NotFound);
        await AssertNoCheckInsAsync(session.Id);
    }

    [Theory]
    [InlineData("""{"latitude": 91, "longitude": 114.0579}""", "latitude")]
    [InlineData("""{"latitude": -90.5, "longitude": 114.0579}""", "latitude")]
    [InlineData("""{"latitude": "NaN", "longitude": 114.0579}""", "latitude")]
    [InlineData("""{"latitude": "22.5431", "longitude": 114.0579}""", "latitude")]
    [InlineData("""{"latitude": 1e400, "longitude": 114.0579}""", "latitude")]
    [InlineData("""{"longitude": 114.0579}""", "latitude")]
    [InlineData("""{"latitude": null, "longitude": 114.0579}""", "latitude")]
    [InlineData("""{"latitude": 0, "longitude": 0}""", "latitude")]
    [InlineData("""{"latitude": 22.5431, "longitude": 180.01}""", "longitude")]
    [InlineData("""{"latitude": 22.5431, "longitude": "Infinity"}""", "longitude")]
    [InlineData("""{"latitude": 22.5431}""", "longitude")]
    [InlineData("""{"latitude": 22.5431, "longitude": 114.0579, "accuracyMeters": -1}""", "accuracyMeters")]
    [InlineData("""{"latitude": 22.5431, "longitude": 114.0579, "accuracyMeters": 20000}""", "accuracyMeters")]
    public async Task BadCoordinatesAreA400NamingTheField(string position, string field)
    {
        var (person, _) = await EnrolledPersonAsync();
        var session = await PublishAsync(NewClassId(), Now.AddMinutes(-10), Now.AddHours(2));
        var rest = JsonSerializer.Serialize(new
        {
            requestId = VoucherApi.NewRequestId(),
            idNumber = person.IdNumber,
            attestation = VoucherApi.FreshAttestation(),
            institutionId = Demo.SzSkillsSchool,
            sessionId = session.Id,
        }, VoucherApi.Json);
        var body = position[..^1] + ", " + rest[1..];

        var response = await channel.PostRawAsync("/api/v1/channel/check-ins", body);

        await VoucherApi.ValidationProblemAsync(response, field);
        await AssertNoCheckInsAsync(session.Id);
    }

    [Fact]
    public async Task CheckInWithoutAttestationOrWithABadIdNumberNamesTheFields()
    {
        var person = TestPerson.New();
        var (latitude, longitude) = North(10);
        var body = CheckIn(person, "some-session", latitude, longitude) with
        {
            IdNumber = IdNumbers.WithWrongCheckCharacter(person.IdNumber),
            Attestation = null,
            InstitutionId = "Not A Slug",
        };

        var response = await channel.PostJsonAsync("/api/v1/channel/check-ins", body);

        var problem = await VoucherApi.ValidationProblemAsync(response, "attestation");
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("idNumber", out _));
        Assert.True(errors.TryGetProperty("institutionId", out _));
        Assert.DoesNotContain(person.IdNumber[..17], problem.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AttendanceCountsPerVoucherAndClassAfterSeveralSessions()
    {
        var (alice, aliceVoucher) = await EnrolledPersonAsync();
        var (bob, bobVoucher) = await EnrolledPersonAsync();
        var (carol, carolVoucher) = await EnrolledPersonAsync();
        var wiring = NewClassId();
        var safety = NewClassId();
        var first = await PublishAsync(wiring, Now.AddMinutes(-20), Now.AddHours(1));
        var second = await PublishAsync(wiring, Now.AddMinutes(-5), Now.AddHours(2));
        var nextWeek = await PublishAsync(wiring, Now.AddDays(7), Now.AddDays(7).AddHours(2));
        var safetyFirst = await PublishAsync(safety, Now.AddMinutes(-15), Now.AddHours(1));
        var (latitude, longitude) = North(80);

        foreach (var (person, session) in new[] { (alice, first), (alice, second), (bob, first), (alice, safetyFirst), (alice, second) })
        {
            var response = await channel.PostJsonAsync("/api/v1/channel/check-ins", CheckIn(person, session.Id, latitude, longitude));
            Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }

        var attendance = await GetAsync<ClassAttendance>(school, $"/api/v1/institution/attendance?classId={wiring}");

        Assert.Equal((Demo.SzSkillsSchool, wiring, 3, 2), (attendance.InstitutionId, attendance.ClassId, attendance.SessionsPublished, attendance.SessionsHeld));
        var byCode = attendance.Vouchers.ToDictionary(v => v.VoucherCode);
        Assert.Equal(2, byCode.Count);
        Assert.Equal((2, 2), (byCode[aliceVoucher.Code].SessionsAttended, byCode[aliceVoucher.Code].SessionsHeld));
        Assert.Equal((1, 2), (byCode[bobVoucher.Code].SessionsAttended, byCode[bobVoucher.Code].SessionsHeld));
        Assert.Equal(bobVoucher.HolderIdNumber, byCode[bobVoucher.Code].HolderIdNumber);

        var sessions = await GetAsync<ClassSessionView[]>(school, $"/api/v1/institution/class-sessions?classId={wiring}");
        Assert.Equal([first.Id, second.Id, nextWeek.Id], sessions.Select(s => s.Id));
        Assert.Equal([2, 1, 0], sessions.Select(s => s.CheckIns));

        var alicesAttendance = await GetAsync<VoucherAttendanceResponse>(school, $"/api/v1/institution/vouchers/{aliceVoucher.Code}/attendance");
        Assert.Equal((aliceVoucher.Code, aliceVoucher.HolderName, aliceVoucher.HolderIdNumber), (alicesAttendance.VoucherCode, alicesAttendance.HolderName, alicesAttendance.HolderIdNumber));
        var expected = new[] { (wiring, 2, 2, 3), (safety, 1, 1, 1) }.OrderBy(c => c.Item1, StringComparer.Ordinal);
        Assert.Equal(expected, alicesAttendance.Classes.Select(c => (c.ClassId, c.SessionsAttended, c.SessionsHeld, c.SessionsPublished)));

        // Carol is enrolled but never checked in; her voucher has no attendance yet. The college never used hers.
        Assert.Empty((await GetAsync<VoucherAttendanceResponse>(school, $"/api/v1/institution/vouchers/{carolVoucher.Code}/attendance")).Classes);
        await VoucherApi.ProblemAsync(await college.GetAsync($"/api/v1/institution/vouchers/{carolVoucher.Code}/attendance"), HttpStatusCode.NotFound);
        Assert.DoesNotContain(carol.IdNumber, await school.GetStringAsync($"/api/v1/institution/attendance?classId={wiring}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishingASessionIsIdempotentPerSessionIdAndValidatesItsTimes()
    {
        var classId = NewClassId();
        var sessionId = $"cs-{Guid.NewGuid():N}";
        var request = new ClassSessionRequest(sessionId, classId, "electrician-basic", "  Wiring, part 2  ", Now.AddDays(1), Now.AddDays(1).AddHours(3));

        var created = await school.PostJsonAsync("/api/v1/institution/class-sessions", request);
        var replayed = await school.PostJsonAsync("/api/v1/institution/class-sessions", request);
        var changed = await school.PostJsonAsync("/api/v1/institution/class-sessions", request with { Title = "Something else" });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/v1/institution/class-sessions/{sessionId}", created.Headers.Location?.OriginalString);
        var session = await VoucherApi.ReadAsync<ClassSessionView>(created);
        Assert.Equal((sessionId, classId, "Wiring, part 2", 0), (session.Id, session.ClassId, session.Title, session.CheckIns));
        Assert.Equal(session.StartsAt.AddMinutes(-30), session.CheckInOpensAt);
        Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        Assert.Equal("true", Assert.Single(replayed.Headers.GetValues("Idempotent-Replayed")));
        Assert.Equal(session, await VoucherApi.ReadAsync<ClassSessionView>(replayed));
        Assert.Equal("urn:vouchers:problem:conflict", (await VoucherApi.ProblemAsync(changed, HttpStatusCode.Conflict)).GetProperty("type").GetString());
        Assert.Single(await GetAsync<ClassSessionView[]>(school, $"/api/v1/institution/class-sessions?classId={classId}"));

        // Without a session id the gateway names the session.
        var unnamed = await school.PostJsonAsync("/api/v1/institution/class-sessions", request with { SessionId = null });
        Assert.Equal(HttpStatusCode.Created, unnamed.StatusCode);
        Assert.StartsWith("cs-", (await VoucherApi.ReadAsync<ClassSessionView>(unnamed)).Id, StringComparison.Ordinal);

        var starts = Now.AddHours(1);
        await VoucherApi.ValidationProblemAsync(await school.PostJsonAsync("/api/v1/institution/class-sessions", request with { EndsAt = request.StartsAt }), "endsAt");
        await VoucherApi.ValidationProblemAsync(await school.PostJsonAsync("/api/v1/institution/class-sessions", request with { StartsAt = starts, EndsAt = starts.AddHours(13) }), "endsAt");
        await VoucherApi.ValidationProblemAsync(await school.PostJsonAsync("/api/v1/institution/class-sessions", request with { StartsAt = Now.AddDays(-3), EndsAt = Now.AddDays(-3).AddHours(1) }), "startsAt");
        await VoucherApi.ValidationProblemAsync(await school.PostJsonAsync("/api/v1/institution/class-sessions", request with { StartsAt = null }), "startsAt");
        await VoucherApi.ValidationProblemAsync(await school.PostJsonAsync("/api/v1/institution/class-sessions", request with { ClassId = null }), "classId");
        await VoucherApi.ValidationProblemAsync(await school.PostJsonAsync("/api/v1/institution/class-sessions", request with { SessionId = "Bad Id" }), "sessionId");
        await VoucherApi.ValidationProblemAsync(await school.PostJsonAsync("/api/v1/institution/class-sessions", request with { Title = " " }), "title");
        await VoucherApi.ValidationProblemAsync(await school.GetAsync("/api/v1/institution/class-sessions"), "classId");
        await VoucherApi.ValidationProblemAsync(await school.GetAsync("/api/v1/institution/attendance?classId=Not%20A%20Slug"), "classId");
        await VoucherApi.ProblemAsync(await school.GetAsync($"/api/v1/institution/attendance?classId={NewClassId()}"), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("""{"id": "geo-school-a", "latitude": 91, "longitude": 114.0, "radiusMeters": 300}""", "latitude")]
    [InlineData("""{"id": "geo-school-b", "latitude": 0, "longitude": 0, "radiusMeters": 300}""", "latitude")]
    [InlineData("""{"id": "geo-school-c", "latitude": 22.5, "longitude": -180.5, "radiusMeters": 300}""", "longitude")]
    [InlineData("""{"id": "geo-school-d", "latitude": 22.5, "longitude": 114.0, "radiusMeters": 9}""", "radiusMeters")]
    [InlineData("""{"id": "geo-school-e", "latitude": 22.5, "longitude": 114.0, "radiusMeters": 10001}""", "radiusMeters")]
    [InlineData("""{"id": "geo-school-f", "longitude": 114.0, "radiusMeters": 300}""", "latitude")]
    public async Task InstitutionLocationAndRadiusAreValidated(string location, string field)
    {
        var body = location[..^1] + """, "name": "测试学校", "address": "深圳市福田区", "regionCode": "4403"}""";

        var response = await admin.PostRawAsync("/api/v1/admin/institutions", body);

        await VoucherApi.ValidationProblemAsync(response, field);
    }

    private async Task<(TestPerson Person, VoucherView Voucher)> EnrolledPersonAsync(string[]? enabledChannelIds = null)
    {
        var batch = await admin.CreateActiveBatchAsync(VoucherApi.NewBatch(quantity: 1) with { EnabledChannelIds = enabledChannelIds ?? [Demo.NationalApp] });
        var person = TestPerson.New();
        var voucher = await channel.ClaimAsync(person, batch.Id);
        var used = await school.PostAsync($"/api/v1/institution/vouchers/{voucher.Code}/use", null);
        Assert.Equal(HttpStatusCode.OK, used.StatusCode);
        return (person, await VoucherApi.ReadAsync<VoucherView>(used));
    }

    private async Task<ClassSessionView> PublishAsync(string classId, DateTimeOffset startsAt, DateTimeOffset endsAt)
    {
        var response = await school.PostJsonAsync("/api/v1/institution/class-sessions",
            new ClassSessionRequest($"cs-{Guid.NewGuid():N}", classId, "electrician-basic", "Wiring", startsAt, endsAt));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await VoucherApi.ReadAsync<ClassSessionView>(response);
    }

    private async Task AssertNoCheckInsAsync(string sessionId) =>
        Assert.Empty((await GetAsync<SessionAttendance>(school, $"/api/v1/institution/class-sessions/{sessionId}/attendance")).CheckIns);

    private static async Task<T> GetAsync<T>(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await VoucherApi.ReadAsync<T>(response);
    }

    private static string NewClassId() => Identifiers.NewId("class");

    private static CheckInBody CheckIn(TestPerson person, string sessionId, double latitude, double longitude) => new()
    {
        RequestId = VoucherApi.NewRequestId(),
        IdNumber = person.IdNumber,
        Attestation = VoucherApi.FreshAttestation(),
        InstitutionId = Demo.SzSkillsSchool,
        SessionId = sessionId,
        Latitude = latitude,
        Longitude = longitude,
        AccuracyMeters = 12,
    };

    /// <summary>The position <paramref name="meters"/> due north of the school.</summary>
    private static (double Latitude, double Longitude) North(double meters) =>
        (SchoolLatitude + (meters / (Geo.EarthRadiusMeters * Math.PI / 180)), SchoolLongitude);
}
