using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Vouchers.Integration.Tests.Infrastructure;

/// <summary>
/// The real gateway, in-process, in cluster mode: with ConnectionStrings:Vouchers set it is an Orleans client
/// that finds the silos through the PostgreSQL membership table. UseSetting (not app configuration) because
/// Program reads the connection string before the host is built. With <paramref name="coHost"/> it hosts a
/// cluster silo itself (Orleans:CoHost) on the silo and gateway ports of <paramref name="settings"/>; <paramref name="extra"/>
/// settings override the rest.
/// </summary>
internal sealed class ClusterGatewayFactory(SiloSettings settings, bool coHost = false, Dictionary<string, string>? extra = null)
    : WebApplicationFactory<Program>
{
    /// <summary>Fixed, as in production: person keys must not change between gateway instances.</summary>
    public const string PersonKeySecret = "integration-tests-person-key-secret";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Vouchers", settings.ConnectionString);
        builder.UseSetting("Orleans:ClusterId", settings.ClusterId);
        builder.UseSetting("Orleans:ServiceId", settings.ServiceId);
        builder.UseSetting("Demo:Enabled", "true");
        builder.UseSetting("Security:PersonKeySecret", PersonKeySecret);
        foreach (var (key, value) in extra ?? [])
        {
            builder.UseSetting(key, value);
        }

        if (coHost)
        {
            builder.UseSetting("Orleans:CoHost", "true");
            builder.UseSetting("Orleans:SiloPort", settings.SiloPort.ToString(CultureInfo.InvariantCulture));
            builder.UseSetting("Orleans:GatewayPort", settings.GatewayPort.ToString(CultureInfo.InvariantCulture));
        }
    }
}
