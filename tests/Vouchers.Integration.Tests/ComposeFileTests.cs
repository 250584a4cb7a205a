using System.Text.RegularExpressions;
using Vouchers.Gateway.Security;
using Vouchers.Integration.Tests.Infrastructure;
using Vouchers.Silo.Hosting;

namespace Vouchers.Integration.Tests;

/// <summary>
/// docker-compose.yml cannot run here (no Docker engine), so this keeps it honest against the configuration
/// the integration tests do run: the same services and the same configuration keys, each one a real option.
/// </summary>
public sealed partial class ComposeFileTests
{
    private static readonly string Compose = File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, "docker-compose.yml"));

    [Fact]
    public void ComposeRunsPostgresTheMigrationTwoSilosAndTheGateway()
    {
        foreach (var service in new[] { "postgres", "migrate", "silo1", "silo2", "gateway" })
        {
            Assert.Matches(new Regex($"^  {service}:$", RegexOptions.Multiline), Compose);
        }

        Assert.Contains("command: [\"migrate\"]", Compose, StringComparison.Ordinal);
        Assert.Contains("image: postgres:15", Compose, StringComparison.Ordinal);
        Assert.Contains("synchronous_commit=on", Compose, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryOrleansKeyInComposeIsAClusterOption()
    {
        var keys = OrleansKey().Matches(Compose).Select(m => m.Groups[1].Value).Distinct().ToList();
        var options = typeof(VoucherClusterOptions).GetProperties().Select(p => p.Name).ToHashSet();

        Assert.NotEmpty(keys);
        Assert.All(keys, key => Assert.Contains(key, options));
    }

    [Fact]
    public void ComposeSetsTheKeysTheIntegrationTestsSet()
    {
        // The keys SiloProcess and ClusterGatewayFactory set for the cluster the tests run.
        foreach (var key in new[]
        {
            "ConnectionStrings__Vouchers", "Orleans__ClusterId", "Orleans__ServiceId", "Orleans__SiloPort", "Orleans__GatewayPort",
            "Demo__Enabled", "Demo__AllowInCluster", "Security__PersonKeySecret", "Security__SigningMasterSecret",
        })
        {
            Assert.Contains(key + ":", Compose, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TheComposeDemoAllowsItselfOnTheClusterAndPublishesOnlyListedSecrets()
    {
        Assert.Matches(new Regex("^      Demo__AllowInCluster: \"true\"$", RegexOptions.Multiline), Compose);

        // Every default secret compose and the gateway's appsettings.json ship is public: the cluster check must know it.
        var defaults = SecretDefault().Matches(Compose).Select(m => m.Groups[1].Value).ToList();
        var appsettings = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, "src", "Gateway", "appsettings.json")));
        var security = appsettings.RootElement.GetProperty("Security");
        defaults.Add(security.GetProperty("PersonKeySecret").GetString()!);
        defaults.Add(security.GetProperty("SigningMasterSecret").GetString()!);

        Assert.Equal(4, defaults.Count);
        Assert.All(defaults, secret => Assert.True(ClusterSafety.IsPublished(secret), $"'{secret}' is missing from ClusterSafety.PublishedSecrets"));
    }

    [GeneratedRegex(@"Security__\w+: \$\{\w+:-([^}]+)\}")]
    private static partial Regex SecretDefault();

    [GeneratedRegex(@"Orleans__(\w+):")]
    private static partial Regex OrleansKey();
}
