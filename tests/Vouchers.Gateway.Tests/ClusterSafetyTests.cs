using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Vouchers.Gateway.Security;

namespace Vouchers.Gateway.Tests;

/// <summary>
/// Cluster mode refuses to start with the demo's published credentials (the check runs before the gateway reaches
/// for the cluster, so no database is needed to see the refusal); the zero-setup mode keeps its demo.
/// </summary>
public sealed class ClusterSafetyTests
{
    private const string Connection = "Host=127.0.0.1;Port=1;Database=none;Username=none;Password=none";
    private const string OwnSecret = "a-secret-of-this-deployment-only-0123456789";

    [Fact]
    public void AClusterGatewayWithTheDemoOnRefusesToStartAndNamesTheKey()
    {
        using var factory = new RefusingFactory(new()
        {
            ["Demo:Enabled"] = "true",
            ["Security:PersonKeySecret"] = OwnSecret,
            ["Security:SigningMasterSecret"] = OwnSecret,
        });

        var refusal = Assert.ThrowsAny<Exception>(() => factory.Services);

        var message = Innermost(refusal).Message;
        Assert.Contains("Demo:Enabled", message, StringComparison.Ordinal);
        Assert.Contains("Demo:AllowInCluster", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Security:PersonKeySecret", message, StringComparison.Ordinal);
    }

    [Fact]
    public void AClusterGatewayWithThePublishedSecretsOfAppsettingsRefusesToStartAndNamesBothKeys()
    {
        // appsettings.json's own values: the published zero-setup secrets.
        using var factory = new RefusingFactory(new() { ["Demo:Enabled"] = "false" });

        var message = Innermost(Assert.ThrowsAny<Exception>(() => factory.Services)).Message;

        Assert.Contains("Security:PersonKeySecret is the published demo value", message, StringComparison.Ordinal);
        Assert.Contains("Security:SigningMasterSecret is the published demo value", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Demo:Enabled is true", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null, "Demo:Enabled is true", "Security:PersonKeySecret is the published", "Security:SigningMasterSecret is the published")]
    [InlineData("", "", "Security:PersonKeySecret is not set", "Security:SigningMasterSecret is not set", null)]
    [InlineData("compose-demo-secret-change-me", OwnSecret, "Security:PersonKeySecret is the published", null, null)]
    [InlineData(OwnSecret, "compose-demo-signing-master-secret-change-me", "Security:SigningMasterSecret is the published", null, null)]
    public void EveryDemoCredentialOfAClusterIsNamed(string? personKeySecret, string? signingMasterSecret, string first, string? second, string? third)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Vouchers"] = Connection,
            ["Demo:Enabled"] = personKeySecret is null ? "true" : "false",
            ["Security:PersonKeySecret"] = personKeySecret ?? ClusterSafety.PublishedSecrets[0],
            ["Security:SigningMasterSecret"] = signingMasterSecret ?? ClusterSafety.PublishedSecrets[1],
        };

        var problems = string.Join("\n", ClusterSafety.Problems(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()));

        foreach (var expected in new[] { first, second, third }.OfType<string>())
        {
            Assert.Contains(expected, problems, StringComparison.Ordinal);
        }

        Assert.Equal(new[] { first, second, third }.Count(e => e is not null), problems.Split('\n').Length);
    }

    [Fact]
    public void AClusterWithItsOwnSecretsAndNoDemoHasNothingToRefuse()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Vouchers"] = Connection,
            ["Demo:Enabled"] = "false",
            ["Security:PersonKeySecret"] = OwnSecret,
            ["Security:SigningMasterSecret"] = OwnSecret + "-signing",
        }).Build();

        Assert.Empty(ClusterSafety.Problems(configuration));
        Assert.Empty(ClusterSafety.EnsureSafe(configuration));
    }

    [Fact]
    public void AllowInClusterLetsTheDemoStartAndReturnsWhatItAllowed()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Vouchers"] = Connection,
            ["Demo:Enabled"] = "true",
            ["Demo:AllowInCluster"] = "true",
            ["Security:PersonKeySecret"] = OwnSecret,
            ["Security:SigningMasterSecret"] = OwnSecret,
        }).Build();

        Assert.Contains("Demo:Enabled", Assert.Single(ClusterSafety.EnsureSafe(configuration)), StringComparison.Ordinal);
    }

    [Fact]
    public void TheZeroSetupModeKeepsItsDemoWithThePublishedSecrets()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Demo:Enabled"] = "true",
            ["Security:PersonKeySecret"] = ClusterSafety.PublishedSecrets[0],
        }).Build();

        Assert.Empty(ClusterSafety.EnsureSafe(configuration));
    }

    [Theory]
    [InlineData("Security:PersonKeySecret")]
    [InlineData("Security:SigningMasterSecret")]
    public void AGatewayWithASecretTooShortRefusesToStartAndNamesTheKey(string key)
    {
        using var factory = new ZeroSetupFactory(key, "too-short");

        var refusal = Assert.ThrowsAny<Exception>(() => factory.Services);

        Assert.Contains($"{key} must be set to at least", Flatten(refusal), StringComparison.Ordinal);
    }

    private static string Flatten(Exception exception) =>
        exception.InnerException is null ? exception.Message : exception.Message + " / " + Flatten(exception.InnerException);

    private static Exception Innermost(Exception exception)
    {
        while (exception.InnerException is not null && exception.Message.Contains("Cluster mode", StringComparison.Ordinal) is false)
        {
            exception = exception.InnerException;
        }

        return exception;
    }

    private sealed class ZeroSetupFactory(string key, string value) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder) => builder.UseSetting(key, value);
    }

    private sealed class RefusingFactory(Dictionary<string, string> settings) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("ConnectionStrings:Vouchers", Connection);
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        }
    }
}
