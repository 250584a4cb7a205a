using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Vouchers.Gateway.Security;
using Vouchers.Silo.Hosting;

namespace Vouchers.Gateway.Seeding;

/// <summary>Seeds the demo data once the cluster is up, then prints where to start.</summary>
public sealed class DemoSeeder(
    DemoData demo, IOptions<DemoOptions> options, IServer server, IHostApplicationLifetime lifetime, IConfiguration configuration) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        await demo.SeedAsync();
        lifetime.ApplicationStarted.Register(PrintBanner);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void PrintBanner()
    {
        var url = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost:5080";
        var lines = new List<string>
        {
            "",
            configuration.IsClusterMode()
                ? "Training-voucher engine gateway is running as a client of the PostgreSQL-backed cluster, with the demo data."
                : "Training-voucher engine is running (zero-setup demo: in-memory storage, data is lost on exit).",
        };
        if (configuration.IsClusterMode())
        {
            lines.Add($"  WARNING: {ClusterSafety.AllowInClusterKey}=true: this cluster runs with the demo's PUBLISHED API keys and secrets.");
            lines.Add("           Anyone can use them. Never put real people's data here; see docs/OPERATIONS.md to start a cluster for real.");
        }

        lines.AddRange(
        [
            $"  API:           {url}/api/v1",
            $"  API reference: {url}/scalar   OpenAPI: {url}/openapi/v1.json",
            "  Demo API keys (header X-Api-Key):",
        ]);
        lines.AddRange(DemoData.Principals.Select(p => $"    {p.Role,-12} {(p.Scope.Length == 0 ? "(all regions)" : p.Scope),-18} {demo.ApiKey(p.KeyId)}"));
        lines.Add("  Demo request-signing keys of the channels (key id and secret; see docs/SECURITY.md):");
        lines.AddRange(DemoData.SigningKeyIds.Select(k => $"    {"channel",-12} {k.ChannelId,-18} {k.KeyId} {demo.SigningSecret(k.KeyId)}"));
        lines.Add("  Try:");
        lines.Add($"    curl -s -H 'X-Api-Key: {demo.ApiKey("admin-guangdong")}' {url}/api/v1/admin/batches/{DemoData.BatchId}");
        lines.Add("");
        Console.WriteLine(string.Join(Environment.NewLine, lines));
    }
}
