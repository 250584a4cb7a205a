using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Vouchers.Testing;
using Vouchers.Testing.Logging;
using Vouchers.Testing.OpenApi;

namespace Vouchers.Integration.Tests.Infrastructure;

/// <summary>
/// The real gateway, in-process, in cluster mode: with ConnectionStrings:Vouchers set it is an Orleans client
/// that finds the silos through the PostgreSQL membership table. UseSetting (not app configuration) because
/// Program reads the connection string before the host is built. With <paramref name="coHost"/> it hosts a
/// cluster silo itself (Orleans:CoHost) on the silo and gateway ports of <paramref name="settings"/>. The demo runs on
/// the cluster on purpose (Demo:AllowInCluster); <paramref name="overrides"/> replace any of these settings, and
/// <paramref name="logs"/>, when given, receives what the gateway logs.
/// </summary>
internal sealed class ClusterGatewayFactory(
    SiloSettings settings, bool coHost = false, IReadOnlyDictionary<string, string>? overrides = null, CapturedLogs? logs = null)
    : WebApplicationFactory<Program>
{
    /// <summary>
    /// A gateway that co-hosts a silo of <paramref name="clusterId"/> on two free ports besides <paramref name="taken"/>,
    /// which it adds to them (so a test's next gateway takes others).
    /// </summary>
    public static ClusterGatewayFactory CoHosting(
        string connectionString, string clusterId, List<int> taken, IReadOnlyDictionary<string, string>? overrides = null, CapturedLogs? logs = null)
    {
        ArgumentNullException.ThrowIfNull(taken);
        var siloPort = FreePort.Next([.. taken]);
        var gatewayPort = FreePort.Next([.. taken, siloPort]);
        taken.AddRange([siloPort, gatewayPort]);
        return new ClusterGatewayFactory(new SiloSettings(connectionString, clusterId, clusterId, siloPort, gatewayPort), coHost: true, overrides, logs);
    }

    /// <summary>The port of this gateway's silo (when it co-hosts one).</summary>
    public int SiloPort => settings.SiloPort;

    /// <summary>Fixed, as in production: person keys must not change between gateway instances.</summary>
    public const string PersonKeySecret = "integration-tests-person-key-secret";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Vouchers", settings.ConnectionString);
        builder.UseSetting("Orleans:ClusterId", settings.ClusterId);
        builder.UseSetting("Orleans:ServiceId", settings.ServiceId);
        builder.UseSetting("Demo:Enabled", "true");
        builder.UseSetting("Demo:AllowInCluster", "true");
        builder.UseSetting("Security:PersonKeySecret", PersonKeySecret);
        if (coHost)
        {
            builder.UseSetting("Orleans:CoHost", "true");
            builder.UseSetting("Orleans:SiloPort", settings.SiloPort.ToString(CultureInfo.InvariantCulture));
            builder.UseSetting("Orleans:GatewayPort", settings.GatewayPort.ToString(CultureInfo.InvariantCulture));
        }

        foreach (var (key, value) in overrides ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }

        if (logs is not null)
        {
            builder.ConfigureLogging(l => l.AddProvider(logs));
        }

        builder.CheckAnswersAgainstOpenApi();
    }
}
