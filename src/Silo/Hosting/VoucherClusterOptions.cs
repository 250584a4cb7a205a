namespace Vouchers.Silo.Hosting;

/// <summary>
/// The one configuration model of both hosting modes (section "Orleans", e.g. <c>Orleans__ClusterId</c>).
/// With <c>ConnectionStrings:Vouchers</c> set, clustering, grain storage and reminders live in PostgreSQL;
/// without it, a single co-hosted silo keeps everything in memory.
/// </summary>
public sealed class VoucherClusterOptions
{
    public const string Section = "Orleans";
    public const string ConnectionStringName = "Vouchers";
    public const string AdoInvariant = "Npgsql";

    public string ClusterId { get; set; } = "vouchers";

    public string ServiceId { get; set; } = "vouchers";

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos and clients reach this silo at; loopback when unset.</summary>
    public string? AdvertisedIPAddress { get; set; }

    /// <summary>
    /// How long a grain call may take before the caller gets a timeout (Orleans' default is 30 s). The gateway
    /// answers a timeout with 503 and Retry-After, so an overloaded cluster answers fast instead of hanging.
    /// </summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Apply the schema migrations when a silo starts (cluster mode).</summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>
    /// Cluster mode only: the gateway hosts a cluster silo in its own process instead of being a client of separate
    /// silos. Every such node is a full cluster member (PostgreSQL clustering, storage and claims), and HTTP requests
    /// reach grains without a network hop or a serialization round. False: the gateway is a client (default).
    /// </summary>
    public bool CoHost { get; set; }
}
