namespace Vouchers.Gateway.Tests.Infrastructure;

/// <summary>What the zero-setup gateway seeds at start (see Seeding/DemoData.cs).</summary>
internal static class Demo
{
    public const string BatchId = "demo-electrician-2026";
    public const string ProgramId = "electrician-basic";

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

    /// <summary>The demo key of a principal: "{keyId}.demo-{keyId}".</summary>
    public static string ApiKey(string keyId) => $"{keyId}.demo-{keyId}";
}
