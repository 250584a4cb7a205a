using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Vouchers.Contracts;
using Vouchers.Integration.Tests.Infrastructure;
using Vouchers.Testing;
using Vouchers.Testing.Gateway;

namespace Vouchers.Integration.Tests;

/// <summary>
/// Cluster mode end to end: the gateway is a pure Orleans client and the silo a separate process, so records reach
/// PostgreSQL only through the cluster; verifications, an offline use with a class and an online use all land there.
/// </summary>
public sealed class VerificationRecordClusterTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private VoucherCluster cluster = null!;

    public async Task InitializeAsync() => cluster = await VoucherCluster.StartAsync();

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    [Fact]
    public Task VerificationsAndUsesOfBothModesAreStoredInPostgresAndListedToTheInstitution() => cluster.RunAsync(async () =>
    {
        var gateway = cluster.CreateGateway();
        await cluster.WaitUntilReadyAsync(gateway);
        using var api = new DemoClients(gateway);
        using var school = gateway.ClientFor(Demo.InstitutionSzSkillsSchool);
        school.DefaultRequestHeaders.Add("X-Device-Id", "gun-01");
        using var channel = gateway.ClientFor(Demo.ChannelNationalApp);
        var (offline, online) = (TestPerson.Number(11), TestPerson.Number(12));
        var enrolled = await api.Channel.ClaimAsync(offline, Demo.BatchId);
        var deducted = await api.Channel.ClaimAsync(online, Demo.BatchId);

        Assert.Equal(VerifyVerdict.Valid, (await api.Institution.VerifyAsync(enrolled.Code)).Verdict);
        var used = await school.PostAsJsonAsync($"/api/v1/institution/vouchers/{enrolled.Code}/use", new { courseId = "electrician-101", classId = "class-a" });
        Assert.Equal(HttpStatusCode.OK, used.StatusCode);
        var usedOnline = await channel.PostAsJsonAsync($"/api/v1/channel/vouchers/{deducted.Code}/use", new
        {
            idNumber = online.IdNumber,
            attestation = new { method = "face", verifiedAt = DateTimeOffset.UtcNow },
            institutionId = Demo.SzSkillsSchool,
        });
        Assert.Equal(HttpStatusCode.OK, usedOnline.StatusCode);
        Assert.Equal(VerifyVerdict.AlreadyUsed, (await api.Institution.VerifyAsync(deducted.Code)).Verdict);

        var rows = await Poll.UntilAsync(
            () => cluster.Database.ListAsync(
                "SELECT kind, result, coalesce(mode, ''), coalesce(class_id, ''), clerk_key_id, masked_code FROM vouchers_verification_records WHERE institution_id = @i ORDER BY occurred_at, id",
                r => (Kind: r.GetString(0), Result: r.GetString(1), Mode: r.GetString(2), Class: r.GetString(3), Clerk: r.GetString(4), Code: r.GetString(5)),
                ("i", Demo.SzSkillsSchool)),
            found => found.Count >= 4, Patience, found => $"four records to be stored (found {found.Count})");

        Assert.Equal(
            [("verify", "valid", "", ""), ("use", "valid", "offline", "class-a"), ("use", "valid", "online", ""), ("verify", "alreadyUsed", "", "")],
            rows.Select(r => (r.Kind, r.Result, r.Mode, r.Class)));
        Assert.Equal([Demo.InstitutionSzSkillsSchool, Demo.InstitutionSzSkillsSchool, "national-app", Demo.InstitutionSzSkillsSchool], rows.Select(r => r.Clerk));
        Assert.Equal(enrolled.Code[..4] + "…" + enrolled.Code[^4..], rows[0].Code);

        using var page = JsonDocument.Parse(await school.GetStringAsync("/api/v1/institution/verification-records?kind=use"));
        var listed = page.RootElement.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("mode").GetString()).ToList();
        Assert.Equal(["online", "offline"], listed);
        var csv = await school.GetStringAsync("/api/v1/institution/verification-records.csv");
        Assert.Equal(5, csv.TrimEnd('\r', '\n').Split("\r\n").Length);
    });
}
