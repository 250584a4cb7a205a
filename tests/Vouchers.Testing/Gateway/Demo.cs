using Vouchers.Gateway.Seeding;

namespace Vouchers.Testing.Gateway;

/// <summary>What the gateway seeds at start when Demo:Enabled is on (see Seeding/DemoData.cs).</summary>
public static class Demo
{
    public const string BatchId = DemoData.BatchId;
    public const string ProgramId = DemoData.ProgramId;

    public const string AdminMinistry = "admin-ministry";
    public const string AdminGuangdong = "admin-guangdong";
    public const string AdminShenzhen = "admin-shenzhen";
    public const string ChannelNationalApp = "channel-national-app";
    public const string ChannelBankApp = "channel-bank-app";
    public const string InstitutionSzSkillsSchool = "inst-sz-skills-school";
    public const string InstitutionGzTechCollege = "inst-gz-tech-college";

    /// <summary>The ids the keys above act for (a channel's or an institution's scope).</summary>
    public const string NationalApp = "national-app";
    public const string BankApp = "bank-app";
    public const string SzSkillsSchool = "sz-skills-school";
    public const string GzTechCollege = "gz-tech-college";

    /// <summary>The channels' demo request-signing keys (their secrets derive from Security:SigningMasterSecret).</summary>
    public const string SignNationalApp = "sign-national-app";
    public const string SignBankApp = "sign-bank-app";

    /// <summary>The demo key of a principal: "{keyId}.demo-{keyId}".</summary>
    public static string ApiKey(string keyId) => $"{keyId}.demo-{keyId}";

    /// <summary>The demo signing key of the channel whose demo API key is <paramref name="keyId"/>; null for a key of another role.</summary>
    public static string? SigningKeyOf(string keyId) =>
        DemoData.Principals.FirstOrDefault(p => p.KeyId == keyId && p.Role == Vouchers.Contracts.PrincipalRole.Channel) is { KeyId: not null } channel
            ? DemoData.SigningKeyIds.First(k => k.ChannelId == channel.Scope).KeyId
            : null;
}
