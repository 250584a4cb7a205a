using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Grains.Tests.Infrastructure;

namespace Vouchers.Grains.Tests.Cluster;

[Collection(GrainCluster.Name)]
public sealed class CheckInTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Client;

    private DateTimeOffset Now => fixture.Time.GetUtcNow();

    [Fact]
    public async Task ACheckInInsideTheRadiusAndWindowIsRecordedWithTheVoucherAndTheDistance()
    {
        var place = await CheckInData.NewInstitutionAsync(Grains);
        var classId = CheckInData.NewClassId();
        var session = await PublishAsync(place.Id, classId, Now.AddMinutes(-10), Now.AddHours(2));
        var voucher = CheckInData.NewVoucher();
        var (latitude, longitude) = CheckInData.North(place, 120);

        var result = await Session(place.Id, session).CheckInAsync(CheckInData.Request(TestData.NewPersonKey(), voucher, latitude, longitude, accuracy: 15));

        Assert.Equal(CheckInOutcome.CheckedIn, result.Outcome);
        var checkIn = result.CheckIn!;
        Assert.Equal((session, place.Id, classId, voucher.Code), (checkIn.SessionId, checkIn.InstitutionId, checkIn.ClassId, checkIn.VoucherCode));
        Assert.Equal((voucher.HolderName, voucher.HolderIdNumber), (checkIn.HolderName, checkIn.HolderIdNumber));
        Assert.Equal(Now, checkIn.CheckedInAt);
        Assert.Equal(120.0, checkIn.DistanceMeters);
        Assert.Equal(15.0, checkIn.AccuracyMeters);
        Assert.Equal((TestData.ChannelA, "face"), (checkIn.ChannelId, checkIn.AttestationMethod));

        var attendance = await Session(place.Id, session).GetAttendanceAsync();
        Assert.Equal(1, attendance!.Session.CheckIns);
        Assert.Equal(checkIn, Assert.Single(attendance.CheckIns));
        Assert.Equal(classId, Assert.Single(await Grains.GetGrain<IVoucherAttendanceGrain>(CheckInKeys.Voucher(place.Id, voucher.Code)).ListClassesAsync()));
    }

    [Fact]
    public async Task TwentyParallelCheckInsOfOnePersonAreCountedOnceAndAllAnswerTheSameCheckIn()
    {
        var place = await CheckInData.NewInstitutionAsync(Grains);
        var classId = CheckInData.NewClassId();
        var session = await PublishAsync(place.Id, classId, Now.AddMinutes(-10), Now.AddHours(2));
        var person = TestData.NewPersonKey();
        var voucher = CheckInData.NewVoucher();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
        {
            var (latitude, longitude) = CheckInData.North(place, 10 + i);
            return Session(place.Id, session).CheckInAsync(CheckInData.Request(person, voucher, latitude, longitude));
        }));

        var first = Assert.Single(results, r => r.Outcome == CheckInOutcome.CheckedIn).CheckIn!;
        Assert.Equal(19, results.Count(r => r.Outcome == CheckInOutcome.AlreadyCheckedIn && r.CheckIn == first));
        var attendance = await Session(place.Id, session).GetAttendanceAsync();
        Assert.Equal(first, Assert.Single(attendance!.CheckIns));
        var counted = Assert.Single((await Class(place.Id, classId).GetAttendanceAsync(null))!.Vouchers);
        Assert.Equal((voucher.Code, 1, 1), (counted.VoucherCode, counted.SessionsAttended, counted.SessionsHeld));
    }

    [Fact]
    public async Task ARepeatIsAnsweredWithTheFirstCheckInEvenFromOutsideTheRadius()
    {
        var place = await CheckInData.NewInstitutionAsync(Grains);
        var session = await PublishAsync(place.Id, CheckInData.NewClassId(), Now.AddMinutes(-10), Now.AddHours(2));
        var person = TestData.NewPersonKey();
        var voucher = CheckInData.NewVoucher();
        var (nearLatitude, nearLongitude) = CheckInData.North(place, 50);
        var (farLatitude, farLongitude) = CheckInData.North(place, 50_000);

        var first = await Session(place.Id, session).CheckInAsync(CheckInData.Request(person, voucher, nearLatitude, nearLongitude));
        var repeat = await Session(place.Id, session).CheckInAsync(CheckInData.Request(person, voucher, farLatitude, farLongitude));

        Assert.Equal(CheckInOutcome.CheckedIn, first.Outcome);
        Assert.Equal(CheckInOutcome.AlreadyCheckedIn, repeat.Outcome);
        Assert.Equal(first.CheckIn, repeat.CheckIn);
        Assert.Equal(1, repeat.Session!.CheckIns);
    }

    [Fact]
    public async Task APositionJustOutsideTheRadiusIsRefusedWithItsDistanceAndNothingIsRecorded()
    {
        var place = await CheckInData.NewInstitutionAsync(Grains, radiusMeters: 300);
        var classId = CheckInData.NewClassId();
        var session = await PublishAsync(place.Id, classId, Now.AddMinutes(-10), Now.AddHours(2));
        var voucher = CheckInData.NewVoucher();
        var person = TestData.NewPersonKey();
        var (outsideLatitude, outsideLongitude) = CheckInData.North(place, 300.2);
        var (edgeLatitude, edgeLongitude) = CheckInData.North(place, 300);

        var outside = await Session(place.Id, session).CheckInAsync(CheckInData.Request(person, voucher, outsideLatitude, outsideLongitude));

        Assert.Equal(CheckInOutcome.OutsideRadius, outside.Outcome);
        Assert.Null(outside.CheckIn);
        Assert.Equal((300.2, 300), (outside.DistanceMeters, outside.RadiusMeters));
        Assert.Empty((await Session(place.Id, session).GetAttendanceAsync())!.CheckIns);
        Assert.Empty(await Grains.GetGrain<IVoucherAttendanceGrain>(CheckInKeys.Voucher(place.Id, voucher.Code)).ListClassesAsync());

        // On the edge is inside, and the refusal did not use up the person's one check-in.
        var edge = await Session(place.Id, session).CheckInAsync(CheckInData.Request(person, voucher, edgeLatitude, edgeLongitude));
        Assert.Equal(CheckInOutcome.CheckedIn, edge.Outcome);
        Assert.Equal(300.0, edge.CheckIn!.DistanceMeters);
    }

    [Fact]
    public async Task APersonWithoutAnEnrolledVoucherOrAnUnpublishedSessionIsRefused()
    {
        var place = await CheckInData.NewInstitutionAsync(Grains);
        var session = await PublishAsync(place.Id, CheckInData.NewClassId(), Now.AddMinutes(-10), Now.AddHours(2));
        var (latitude, longitude) = CheckInData.North(place, 10);

        var notEnrolled = await Session(place.Id, session).CheckInAsync(CheckInData.Request(TestData.NewPersonKey(), null, latitude, longitude));
        var unknown = await Session(place.Id, "no-such-session").CheckInAsync(CheckInData.Request(TestData.NewPersonKey(), CheckInData.NewVoucher(), latitude, longitude));
        var elsewhere = await Session(TestData.OtherInstitution, session).CheckInAsync(CheckInData.Request(TestData.NewPersonKey(), CheckInData.NewVoucher(), latitude, longitude));

        Assert.Equal(CheckInOutcome.NotEnrolled, notEnrolled.Outcome);
        Assert.Equal(CheckInOutcome.SessionNotFound, unknown.Outcome);
        Assert.Equal(CheckInOutcome.SessionNotFound, elsewhere.Outcome);
        Assert.Empty((await Session(place.Id, session).GetAttendanceAsync())!.CheckIns);
    }

    [Fact]
    public async Task PublishingIsIdempotentPerSessionIdAndAnIdNamesOneDefinitionOnly()
    {
        var place = await CheckInData.NewInstitutionAsync(Grains);
        var classId = CheckInData.NewClassId();
        var otherClass = CheckInData.NewClassId();
        var definition = CheckInData.Definition(classId, Now.AddDays(1), Now.AddDays(1).AddHours(2));
        var sessionId = CheckInData.NewSessionId();

        var first = await Class(place.Id, classId).PublishSessionAsync(sessionId, definition);
        var again = await Class(place.Id, classId).PublishSessionAsync(sessionId, definition);
        var changed = await Class(place.Id, classId).PublishSessionAsync(sessionId, definition with { Title = "Another title" });
        var inOtherClass = await Class(place.Id, otherClass).PublishSessionAsync(sessionId, definition with { ClassId = otherClass });

        Assert.Equal(SessionPublishStatus.Published, first.Status);
        Assert.Equal((sessionId, place.Id, Now, Now.AddDays(1).AddMinutes(-30)),
            (first.Session!.Id, first.Session.InstitutionId, first.Session.PublishedAt, first.Session.CheckInOpensAt));
        Assert.Equal((SessionPublishStatus.AlreadyPublished, first.Session), (again.Status, again.Session));
        Assert.Equal((SessionPublishStatus.IdTaken, first.Session), (changed.Status, changed.Session));
        Assert.Equal(SessionPublishStatus.IdTaken, inOtherClass.Status);
        Assert.Equal(first.Session, Assert.Single(await Class(place.Id, classId).ListSessionsAsync()));
        Assert.Empty(await Class(place.Id, otherClass).ListSessionsAsync());
        Assert.Null(await Class(place.Id, otherClass).GetAttendanceAsync(null));
    }

    [Fact]
    public async Task ClassAttendanceCountsPerVoucherTheSessionsAttendedOfThoseHeld()
    {
        var place = await CheckInData.NewInstitutionAsync(Grains);
        var classId = CheckInData.NewClassId();
        var earlier = await PublishAsync(place.Id, classId, Now.AddHours(-20), Now.AddHours(-18));
        var current = await PublishAsync(place.Id, classId, Now.AddMinutes(-5), Now.AddHours(2));
        var later = await PublishAsync(place.Id, classId, Now.AddDays(7), Now.AddDays(7).AddHours(2));
        var (alice, bob) = (TestData.NewPersonKey(), TestData.NewPersonKey());
        var (aliceVoucher, bobVoucher) = (CheckInData.NewVoucher(), CheckInData.NewVoucher());
        var (latitude, longitude) = CheckInData.North(place, 20);

        // The earlier session is over; the later one has not opened: neither takes a check-in now.
        Assert.Equal(CheckInOutcome.TooLate, (await Session(place.Id, earlier).CheckInAsync(CheckInData.Request(alice, aliceVoucher, latitude, longitude))).Outcome);
        Assert.Equal(CheckInOutcome.TooEarly, (await Session(place.Id, later).CheckInAsync(CheckInData.Request(alice, aliceVoucher, latitude, longitude))).Outcome);
        Assert.Equal(CheckInOutcome.CheckedIn, (await Session(place.Id, current).CheckInAsync(CheckInData.Request(alice, aliceVoucher, latitude, longitude))).Outcome);
        Assert.Equal(CheckInOutcome.CheckedIn, (await Session(place.Id, current).CheckInAsync(CheckInData.Request(bob, bobVoucher, latitude, longitude))).Outcome);
        Assert.Equal(CheckInOutcome.AlreadyCheckedIn, (await Session(place.Id, current).CheckInAsync(CheckInData.Request(bob, bobVoucher, latitude, longitude))).Outcome);

        var attendance = await Class(place.Id, classId).GetAttendanceAsync(null);

        Assert.Equal((place.Id, classId, 3, 2), (attendance!.InstitutionId, attendance.ClassId, attendance.SessionsPublished, attendance.SessionsHeld));
        Assert.Equal(
            new[] { aliceVoucher.Code, bobVoucher.Code }.Order(StringComparer.Ordinal),
            attendance.Vouchers.Select(v => v.VoucherCode));
        Assert.All(attendance.Vouchers, v => Assert.Equal((1, 2, Now, Now), (v.SessionsAttended, v.SessionsHeld, v.FirstCheckInAt, v.LastCheckInAt)));
        var onlyBob = await Class(place.Id, classId).GetAttendanceAsync(bobVoucher.Code);
        Assert.Equal(bobVoucher.Code, Assert.Single(onlyBob!.Vouchers).VoucherCode);
        Assert.Equal([earlier, current, later], (await Class(place.Id, classId).ListSessionsAsync()).Select(s => s.Id));
    }

    [Fact]
    public async Task ASessionTakesAtMostItsCapOfCheckIns()
    {
        var place = await CheckInData.NewInstitutionAsync(Grains);
        var session = await PublishAsync(place.Id, CheckInData.NewClassId(), Now.AddMinutes(-10), Now.AddHours(2));
        var (latitude, longitude) = CheckInData.North(place, 20);
        var grain = Session(place.Id, session);

        for (var i = 0; i < CheckInRules.MaxCheckInsPerSession; i += 50)
        {
            var chunk = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ =>
                grain.CheckInAsync(CheckInData.Request(TestData.NewPersonKey(), CheckInData.NewVoucher(), latitude, longitude))));
            Assert.All(chunk, r => Assert.Equal(CheckInOutcome.CheckedIn, r.Outcome));
        }

        var full = await grain.CheckInAsync(CheckInData.Request(TestData.NewPersonKey(), CheckInData.NewVoucher(), latitude, longitude));

        Assert.Equal(CheckInOutcome.SessionFull, full.Outcome);
        Assert.Equal(CheckInRules.MaxCheckInsPerSession, (await grain.GetAsync())!.CheckIns);
    }

    private async Task<string> PublishAsync(string institutionId, string classId, DateTimeOffset startsAt, DateTimeOffset endsAt)
    {
        var sessionId = CheckInData.NewSessionId();
        var result = await Class(institutionId, classId).PublishSessionAsync(sessionId, CheckInData.Definition(classId, startsAt, endsAt));
        Assert.Equal(SessionPublishStatus.Published, result.Status);
        return sessionId;
    }

    private IClassSessionGrain Session(string institutionId, string sessionId) =>
        Grains.GetGrain<IClassSessionGrain>(CheckInKeys.Session(institutionId, sessionId));

    private ITrainingClassGrain Class(string institutionId, string classId) =>
        Grains.GetGrain<ITrainingClassGrain>(CheckInKeys.Class(institutionId, classId));
}

/// <summary>
/// These tests move the cluster's clock (forward only, from its current reading), so they share the cluster of the
/// other clock-moving tests.
/// </summary>
[Collection(ExpiryCluster.Name)]
public sealed class CheckInWindowTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Client;

    private DateTimeOffset Now => fixture.Time.GetUtcNow();

    private void AdvanceTo(DateTimeOffset instant)
    {
        Assert.True(instant > Now, "the clock only moves forward");
        fixture.Time.Advance(instant - Now);
    }

    [Fact]
    public async Task CheckInOpensThirtyMinutesBeforeTheStartAndClosesAtTheEnd()
    {
        var place = await CheckInData.NewInstitutionAsync(Grains);
        var classId = CheckInData.NewClassId();
        var startsAt = Now.AddHours(3);
        var endsAt = startsAt.AddHours(2);
        var sessionId = CheckInData.NewSessionId();
        Assert.Equal(SessionPublishStatus.Published,
            (await Grains.GetGrain<ITrainingClassGrain>(CheckInKeys.Class(place.Id, classId)).PublishSessionAsync(sessionId, CheckInData.Definition(classId, startsAt, endsAt))).Status);
        var session = Grains.GetGrain<IClassSessionGrain>(CheckInKeys.Session(place.Id, sessionId));
        var (latitude, longitude) = CheckInData.North(place, 30);
        var (early, punctual, late) = (TestData.NewPersonKey(), TestData.NewPersonKey(), TestData.NewPersonKey());

        AdvanceTo(startsAt.AddMinutes(-30).AddTicks(-1));
        Assert.Equal(CheckInOutcome.TooEarly, (await session.CheckInAsync(CheckInData.Request(early, CheckInData.NewVoucher(), latitude, longitude))).Outcome);
        var classIsHeld = await Grains.GetGrain<ITrainingClassGrain>(CheckInKeys.Class(place.Id, classId)).GetAttendanceAsync(null);
        Assert.Equal(0, classIsHeld!.SessionsHeld);

        AdvanceTo(startsAt.AddMinutes(-30));
        var earlyVoucher = CheckInData.NewVoucher();
        Assert.Equal(CheckInOutcome.CheckedIn, (await session.CheckInAsync(CheckInData.Request(early, earlyVoucher, latitude, longitude))).Outcome);

        AdvanceTo(endsAt.AddTicks(-1));
        Assert.Equal(CheckInOutcome.CheckedIn, (await session.CheckInAsync(CheckInData.Request(punctual, CheckInData.NewVoucher(), latitude, longitude))).Outcome);

        AdvanceTo(endsAt);
        Assert.Equal(CheckInOutcome.TooLate, (await session.CheckInAsync(CheckInData.Request(late, CheckInData.NewVoucher(), latitude, longitude))).Outcome);
        var repeat = await session.CheckInAsync(CheckInData.Request(early, earlyVoucher, latitude, longitude));
        Assert.Equal(CheckInOutcome.AlreadyCheckedIn, repeat.Outcome);
        Assert.Equal(startsAt.AddMinutes(-30), repeat.CheckIn!.CheckedInAt);

        var attendance = await Grains.GetGrain<ITrainingClassGrain>(CheckInKeys.Class(place.Id, classId)).GetAttendanceAsync(null);
        Assert.Equal((1, 2), (attendance!.SessionsHeld, attendance.Vouchers.Length));
    }
}

/// <summary>Institutions, sessions and check-ins with fresh keys for every call.</summary>
internal static class CheckInData
{
    public static async Task<Institution> NewInstitutionAsync(IGrainFactory grains, int radiusMeters = 300)
    {
        var institution = new Institution($"inst-{Guid.NewGuid():N}", "深圳市测试职业培训学校", "440304", "深圳市福田区", 22.5431, 114.0579, radiusMeters);
        Assert.True(await grains.GetGrain<IRegistryGrain<Institution>>(institution.Id).CreateAsync(institution));
        return institution;
    }

    public static string NewClassId() => Identifiers.NewId("class");

    public static string NewSessionId() => Identifiers.NewId("cs");

    public static EnrolledVoucher NewVoucher() => new(VoucherCode.New(), "张*", "4403**********123X");

    public static ClassSessionDefinition Definition(string classId, DateTimeOffset startsAt, DateTimeOffset endsAt) =>
        new(classId, "electrician-basic", "Wiring, part 1", startsAt, endsAt);

    public static CheckInRequest Request(string personKey, EnrolledVoucher? voucher, double latitude, double longitude, double? accuracy = null) =>
        new(personKey, voucher, TestData.ChannelA, TestData.NewRequestId(), "face", latitude, longitude, accuracy);

    /// <summary>The position <paramref name="meters"/> due north of the institution (along its meridian).</summary>
    public static (double Latitude, double Longitude) North(Institution place, double meters) =>
        (place.Latitude + (meters / (Geo.EarthRadiusMeters * Math.PI / 180)), place.Longitude);
}
