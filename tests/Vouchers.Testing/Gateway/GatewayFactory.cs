using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vouchers.Testing.OpenApi;

namespace Vouchers.Testing.Gateway;

/// <summary>
/// The gateway in its zero-setup mode: a co-hosted silo with in-memory storage and the demo data seeded at
/// start. Each factory is a cluster of its own on ports the operating system hands out, so test classes
/// run in parallel without sharing grains or ports.
/// </summary>
public class GatewayFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly int siloPort = FreePort.Next();
    private readonly int gatewayPort = FreePort.Next();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Production, so the responses are what a client sees in the field (no developer exception page).
        builder.UseEnvironment("Production");
        builder.UseSetting("ConnectionStrings:Vouchers", "");
        builder.UseSetting("Orleans:ClusterId", $"gateway-tests-{Guid.NewGuid():N}");
        builder.UseSetting("Orleans:SiloPort", siloPort.ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Orleans:GatewayPort", gatewayPort.ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Demo:Enabled", "true");
        // Every request of a test host comes from one (unknown) client address, and test classes send bad keys on
        // purpose: the per-address guard would turn their 401s into 429s. FailedAuthenticationTests sets it low.
        builder.UseSetting("Security:FailedAuthentications:MaxFailures", "1000000");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        builder.CheckAnswersAgainstOpenApi();
    }

    /// <summary>Configuration a test class needs on top of the defaults.</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>();

    /// <summary>Starts the host (silo, demo seeding) before the first test of the class runs.</summary>
    public Task InitializeAsync()
    {
        // A silo on the default port would collide with the next factory; fail loudly if the override was lost.
        var silo = Services.GetRequiredService<ILocalSiloDetails>();
        if (silo.SiloAddress.Endpoint.Port != siloPort)
        {
            throw new InvalidOperationException($"The co-hosted silo listens on {silo.SiloAddress.Endpoint.Port}, not on the test port {siloPort}.");
        }

        return Task.CompletedTask;
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}
