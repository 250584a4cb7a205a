using Microsoft.Extensions.Options;
using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Gateway.Security;

namespace Vouchers.Gateway.Seeding;

/// <summary>
/// Seeds the demo: three HR admins (ministry, Guangdong, Shenzhen), two channels, two institutions,
/// a training program and an active batch. Idempotent: entries that exist are left alone.
/// </summary>
public sealed partial class DemoData(
    IGrainFactory grains, IOptions<DemoOptions> options, SigningKeys signingKeys, TimeProvider time, ILogger<DemoData> logger)
{
    public const string BatchId = "demo-electrician-2026";
    public const string ProgramId = "electrician-basic";

    public static readonly (string KeyId, PrincipalRole Role, string Scope, string Name)[] Principals =
    [
        ("admin-ministry", PrincipalRole.Admin, "", "人社部 (ministry)"),
        ("admin-guangdong", PrincipalRole.Admin, "44", "广东省人社厅 (Guangdong)"),
        ("admin-shenzhen", PrincipalRole.Admin, "4403", "深圳市人社局 (Shenzhen)"),
        ("channel-national-app", PrincipalRole.Channel, "national-app", "国家社保公共服务平台 App"),
        ("channel-bank-app", PrincipalRole.Channel, "bank-app", "银行 App"),
        ("inst-sz-skills-school", PrincipalRole.Institution, "sz-skills-school", "深圳市职业技能训练学校"),
        ("inst-gz-tech-college", PrincipalRole.Institution, "gz-tech-college", "广州市技师学院"),
    ];

    /// <summary>The channels' request-signing keys (key id, channel): their secrets derive from Security:SigningMasterSecret.</summary>
    public static readonly (string KeyId, string ChannelId)[] SigningKeyIds =
    [
        ("sign-national-app", "national-app"),
        ("sign-bank-app", "bank-app"),
    ];

    public const string IssuedBy = "demo";

    public string ApiKey(string keyId) => $"{keyId}.{options.Value.SecretFor(keyId)}";

    public string SigningSecret(string keyId) => signingKeys.SecretFor(keyId);

    public async Task SeedAsync()
    {
        await grains.Grain<IRegistryGrain<Channel>>("national-app").CreateAsync(new Channel("national-app", "国家社保公共服务平台 App"));
        await grains.Grain<IRegistryGrain<Channel>>("bank-app").CreateAsync(new Channel("bank-app", "银行 App"));
        await grains.Grain<IRegistryGrain<Institution>>("sz-skills-school").CreateAsync(
            new Institution("sz-skills-school", "深圳市职业技能训练学校", "440304", "深圳市福田区", 22.5431, 114.0579, 300));
        await grains.Grain<IRegistryGrain<Institution>>("gz-tech-college").CreateAsync(
            new Institution("gz-tech-college", "广州市技师学院", "440106", "广州市天河区", 23.1291, 113.2644, 500));
        await grains.Grain<IRegistryGrain<TrainingProgram>>(ProgramId).CreateAsync(
            new TrainingProgram(ProgramId, "电工（初级）Electrician, basic", "6-31-01-03", "44"));

        // Through the key directory, so that the demo keys are listed, revoked and rotated like any other.
        var directory = grains.Grain<IKeyDirectoryGrain>(KeyDirectory.Key);
        var issuedAt = time.GetUtcNow();
        foreach (var (keyId, role, scope, name) in Principals)
        {
            var principal = new Principal(keyId, role, scope, name, ApiKeys.HashSecret(options.Value.SecretFor(keyId)))
            {
                IssuedBy = IssuedBy,
                IssuedAt = issuedAt,
            };
            var region = role switch
            {
                PrincipalRole.Admin => scope,
                PrincipalRole.Institution => (await grains.Grain<IRegistryGrain<Institution>>(scope).GetAsync())?.RegionCode ?? "",
                _ => "",
            };
            await directory.SeedAsync(principal, region);
        }

        foreach (var (keyId, channelId) in SigningKeyIds)
        {
            var principal = new Principal(keyId, PrincipalRole.Channel, channelId, $"{channelId} request signing (demo)", "")
            {
                Kind = CredentialKind.SigningKey,
                IssuedBy = IssuedBy,
                IssuedAt = issuedAt,
            };
            await directory.SeedAsync(principal, "");
        }

        var batch = grains.Grain<IBatchGrain>(BatchId);
        if (await batch.GetAsync() is null)
        {
            var now = time.GetUtcNow();
            await batch.CreateAsync(new BatchDefinition
            {
                Title = "2026 电工职业技能培训券 (demo)",
                ProgramId = ProgramId,
                RegionCode = "44",
                EligibleInstitutionIds = ["sz-skills-school", "gz-tech-college"],
                Eligibility = new EligibilityRules { MinAge = 16, MaxAge = 65 },
                ClaimOpensAt = now.AddHours(-1),
                ClaimClosesAt = now.AddYears(1),
                DaysValidAfterClaim = 90,
                Quantity = 1000,
                SubsidyAmount = 1500m,
                FundingSource = "就业补助资金 (employment subsidy fund)",
                EnabledChannelIds = ["national-app", "bank-app"],
            });
            await batch.ActivateAsync();
        }

        LogSeeded(BatchId);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo data is in place (batch {BatchId})")]
    private partial void LogSeeded(string batchId);
}
