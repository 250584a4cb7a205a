using Vouchers.Contracts;
using Vouchers.Grains.Tests.Infrastructure;

namespace Vouchers.Grains.Tests.Cluster;

/// <summary>Invalid input is answered with an Invalid result naming the field, never an exception, and changes nothing.</summary>
[Collection(GrainCluster.Name)]
public sealed class InvalidInputTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Client;

    private DateTimeOffset Now => fixture.Time.GetUtcNow();

    [Fact]
    public async Task ASessionThatEndsBeforeItStartsIsInvalidAtEndsAtAndNothingIsPublished()
    {
        var place = await CheckInData.NewInstitutionAsync(Grains);
        var classId = CheckInData.NewClassId();
        var sessionId = CheckInData.NewSessionId();
        var valid = CheckInData.Definition(classId, Now.AddDays(1), Now.AddDays(1).AddHours(2));

        var result = await Class(place.Id, classId).PublishSessionAsync(sessionId, valid with { EndsAt = valid.StartsAt.AddMinutes(-1) });

        Assert.Equal((SessionPublishStatus.Invalid, "endsAt"), (result.Status, result.Field));
        Assert.False(string.IsNullOrWhiteSpace(result.Detail));
        Assert.Null(result.Session);
        Assert.Null(await Session(place.Id, sessionId).GetAsync());
        Assert.Empty(await Class(place.Id, classId).ListSessionsAsync());

        var retried = await Class(place.Id, classId).PublishSessionAsync(sessionId, valid);
        Assert.Equal(SessionPublishStatus.Published, retried.Status);
    }

    [Fact]
    public async Task ASessionWithoutATitleIsInvalidAtTitleWhenPublishedToTheSessionItself()
    {
        var place = await CheckInData.NewInstitutionAsync(Grains);
        var sessionId = CheckInData.NewSessionId();
        var definition = CheckInData.Definition(CheckInData.NewClassId(), Now.AddDays(1), Now.AddDays(1).AddHours(2)) with { Title = " " };

        var result = await Session(place.Id, sessionId).PublishAsync(definition);

        Assert.Equal((SessionPublishStatus.Invalid, "title"), (result.Status, result.Field));
        Assert.Null(await Session(place.Id, sessionId).GetAsync());
    }

    [Fact]
    public async Task ASessionOfAnotherClassIsInvalidAtClassIdAndNeitherClassListsIt()
    {
        var place = await CheckInData.NewInstitutionAsync(Grains);
        var classId = CheckInData.NewClassId();
        var otherClass = CheckInData.NewClassId();
        var sessionId = CheckInData.NewSessionId();

        var result = await Class(place.Id, classId)
            .PublishSessionAsync(sessionId, CheckInData.Definition(otherClass, Now.AddDays(1), Now.AddDays(1).AddHours(2)));

        Assert.Equal((SessionPublishStatus.Invalid, "classId"), (result.Status, result.Field));
        Assert.Contains(otherClass, result.Detail, StringComparison.Ordinal);
        Assert.Null(await Session(place.Id, sessionId).GetAsync());
        Assert.Empty(await Class(place.Id, classId).ListSessionsAsync());
        Assert.Empty(await Class(place.Id, otherClass).ListSessionsAsync());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(501)]
    public async Task ASubsidyApplicationWithoutCodesOrWithTooManyIsInvalidAtCodesAndNotSubmitted(int count)
    {
        var application = Grains.GetGrain<ISubsidyApplicationGrain>($"app-{Guid.NewGuid():N}");
        var batchId = TestData.NewBatchId();

        var result = await application.SubmitAsync(TestData.InstitutionA, batchId, "4403", [.. Enumerable.Range(0, count).Select(i => $"CODE{i}")]);

        Assert.Equal((SubsidyCommandStatus.Invalid, "codes"), (result.Status, result.Field));
        Assert.Contains("500", result.Detail, StringComparison.Ordinal);
        Assert.Null(result.Application);
        Assert.Null(await application.GetAsync());
        Assert.Empty(await Grains.GetGrain<IBatchApplicationsGrain>(batchId).ListAsync());
    }

    private IClassSessionGrain Session(string institutionId, string sessionId) =>
        Grains.GetGrain<IClassSessionGrain>(CheckInKeys.Session(institutionId, sessionId));

    private ITrainingClassGrain Class(string institutionId, string classId) =>
        Grains.GetGrain<ITrainingClassGrain>(CheckInKeys.Class(institutionId, classId));
}
