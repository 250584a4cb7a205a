using System.Globalization;
using System.Text;
using Vouchers.Testing;
using Vouchers.Testing.Gateway;
using Vouchers.Testing.Postgres;

namespace Vouchers.Integration.Tests.Infrastructure;

/// <summary>
/// One test's cluster: its own database (migrated), silos started as separate processes, and the gateway
/// in-process as the cluster's client. Disposing kills every silo it started, even after a failure.
/// </summary>
internal sealed class VoucherCluster : IAsyncDisposable
{
    /// <summary>Orleans SiloStatus.Active as stored in orleans_membership.status.</summary>
    public const int ActiveStatus = 3;

    private static readonly TimeSpan SiloStartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan GatewayReadyTimeout = TimeSpan.FromSeconds(90);

    private readonly List<SiloProcess> silos = [];
    private readonly List<ClusterGatewayFactory> gateways = [];

    private readonly string[] siloArguments;

    private VoucherCluster(TestDatabase database, SiloSettings settings, string[] siloArguments)
    {
        Database = database;
        Settings = settings;
        this.siloArguments = siloArguments;
    }

    public TestDatabase Database { get; }

    public SiloSettings Settings { get; }

    public SiloProcess? Silo { get; private set; }

    /// <summary>
    /// Creates and migrates a database (on <paramref name="server"/>, by default the one scripts/test.sh started), then
    /// starts one silo and waits until it is Active. Every silo gets <paramref name="siloArguments"/> on its command
    /// line (configuration, e.g. <c>--Events:ExpiryGrace=00:00:01</c>).
    /// </summary>
    public static async Task<VoucherCluster> StartAsync(string? server = null, params string[] siloArguments)
    {
        var database = await TestDatabase.CreateAsync(server);
        var id = "it-" + Guid.NewGuid().ToString("N")[..12];
        var siloPort = FreePort.Next();
        var gatewayPort = FreePort.Next(siloPort);
        var cluster = new VoucherCluster(database, new SiloSettings(database.ConnectionString, id, id, siloPort, gatewayPort), siloArguments);
        try
        {
            await database.MigrateAsync();
            await cluster.StartSiloAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts a silo process with this cluster's settings and waits until a new generation of it is Active.</summary>
    public async Task<SiloProcess> StartSiloAsync()
    {
        var known = await MembershipAsync();
        var silo = SiloProcess.Start(Settings, $"silo-{silos.Count + 1}", siloArguments);
        silos.Add(silo);
        Silo = silo;
        await Poll.UntilAsync(async () =>
        {
            if (silo.HasExited)
            {
                throw new InvalidOperationException($"Silo {silo.Name} exited with code {silo.ExitCode} before it became Active.");
            }

            var rows = await MembershipAsync();
            return rows.Any(r => r.Status == ActiveStatus && r.Port == Settings.SiloPort && !known.Any(k => k.Generation == r.Generation));
        }, SiloStartTimeout, () => $"silo {silo.Name} to be Active in orleans_membership");
        return silo;
    }

    /// <summary>Kills the current silo like kill -9: no graceful shutdown, no membership update, nothing flushed.</summary>
    public void KillSilo()
    {
        var silo = Silo ?? throw new InvalidOperationException("No silo is running.");
        silo.Kill();
        Silo = null;
    }

    public ClusterGatewayFactory CreateGateway()
    {
        var gateway = new ClusterGatewayFactory(Settings);
        gateways.Add(gateway);
        return gateway;
    }

    /// <summary>Waits until the gateway's readiness check (a grain call through the cluster) answers 200.</summary>
    public Task WaitUntilReadyAsync(ClusterGatewayFactory gateway) => gateway.WaitUntilReadyAsync(GatewayReadyTimeout);

    public async Task<List<MembershipRow>> MembershipAsync() =>
        await Database.ListAsync(
            "SELECT address, port, generation, status, silo_name FROM orleans_membership WHERE deployment_id = @cluster ORDER BY generation",
            r => new MembershipRow(r.GetString(0), r.GetInt32(1), r.GetInt32(2), r.GetInt32(3), r.GetString(4)),
            ("cluster", Settings.ClusterId));

    /// <summary>
    /// Runs a test body; a failure is rethrown with every silo's output and the membership table attached,
    /// since a cluster test that fails without them is hard to diagnose.
    /// </summary>
    public async Task RunAsync(Func<Task> body)
    {
        try
        {
            await body();
        }
        catch (Exception exception)
        {
            throw new ClusterTestFailureException(exception, await DescribeAsync());
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in silos)
        {
            silo.Dispose();
        }

        foreach (var gateway in gateways)
        {
            await gateway.DisposeAsync();
        }

        await Database.DisposeAsync();
    }

    private async Task<string> DescribeAsync()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Cluster {Settings.ClusterId}, database {Database.Name}, silo port {Settings.SiloPort}, gateway port {Settings.GatewayPort}.");
        try
        {
            foreach (var row in await MembershipAsync())
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  membership: {row}");
            }
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or InvalidOperationException)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  membership table unreadable: {ex.Message}");
        }

        foreach (var silo in silos)
        {
            var state = silo.HasExited ? $"exited with {silo.ExitCode}" : "running";
            text.AppendLine(CultureInfo.InvariantCulture, $"--- {silo.Name} ({state}) stdout+stderr ---");
            text.AppendLine(silo.Output);
        }

        return text.ToString();
    }
}

internal sealed record MembershipRow(string Address, int Port, int Generation, int Status, string SiloName);

/// <summary>A failed cluster test, with the silos' output and the membership table in its message.</summary>
internal sealed class ClusterTestFailureException(Exception inner, string diagnostics)
    : Exception($"{inner.GetType().Name}: {inner.Message}{Environment.NewLine}{diagnostics}", inner);
