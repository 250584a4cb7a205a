using Vouchers.Gateway.Seeding;
using Vouchers.Http.Persons;
using Vouchers.Silo.Hosting;

namespace Vouchers.Gateway.Security;

/// <summary>
/// Keeps the demo's published credentials off a cluster. In cluster mode (a PostgreSQL connection string is set) the
/// gateway refuses to start while the demo data is enabled or a secret is missing or one of the published demo values,
/// unless <c>Demo:AllowInCluster=true</c> says the demo is wanted there (tests, the compose demo); that is then logged
/// as critical at every start and shown in the demo banner. The zero-setup mode is not affected.
/// </summary>
public sealed partial class ClusterSafety(ILogger<ClusterSafety> logger)
{
    public const string AllowInClusterKey = DemoOptions.Section + ":" + nameof(DemoOptions.AllowInCluster);
    public const string DemoEnabledKey = DemoOptions.Section + ":" + nameof(DemoOptions.Enabled);
    public const string PersonKeySecretKey = VoucherSecurityOptions.Section + ":" + nameof(VoucherSecurityOptions.PersonKeySecret);
    public const string SigningMasterSecretKey = VoucherSecurityOptions.Section + ":" + nameof(VoucherSecurityOptions.SigningMasterSecret);

    /// <summary>
    /// Every secret value this repository publishes (src/Gateway/appsettings.json, the defaults of docker-compose.yml):
    /// anyone can read them, so no real deployment may run with one. The one list of them.
    /// </summary>
    public static readonly IReadOnlyList<string> PublishedSecrets =
    [
        "zero-setup-demo-secret-change-me",
        "zero-setup-demo-signing-master-secret-change-me",
        "compose-demo-secret-change-me",
        "compose-demo-signing-master-secret-change-me",
    ];

    /// <summary>How to make a secret of one's own, as the messages and docs/OPERATIONS.md say.</summary>
    public const string HowToGenerate = "openssl rand -base64 48";

    /// <summary>What a cluster with this configuration would expose; empty when it is safe (or not a cluster).</summary>
    public static IReadOnlyList<string> Problems(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!configuration.IsClusterMode())
        {
            return [];
        }

        var problems = new List<string>();
        if (configuration.GetValue<bool>(DemoEnabledKey))
        {
            problems.Add($"{DemoEnabledKey} is true, which seeds API keys whose secrets are published (an admin of all regions among them): set {DemoEnabledKey}=false.");
        }

        foreach (var key in new[] { PersonKeySecretKey, SigningMasterSecretKey })
        {
            var value = configuration[key];
            if (string.IsNullOrWhiteSpace(value))
            {
                problems.Add($"{key} is not set: set it to a secret of your own (e.g. `{HowToGenerate}`), the same on every gateway.");
            }
            else if (IsPublished(value))
            {
                problems.Add($"{key} is the published demo value: set it to a secret of your own (e.g. `{HowToGenerate}`), the same on every gateway.");
            }
        }

        return problems;
    }

    public static bool IsPublished(string? secret) =>
        secret is not null && PublishedSecrets.Contains(secret.Trim(), StringComparer.Ordinal);

    public static bool AllowsDemo(IConfiguration configuration) => configuration.GetValue<bool>(AllowInClusterKey);

    /// <summary>
    /// Throws, naming each key to set, when a cluster would start with the demo's credentials and
    /// <c>Demo:AllowInCluster</c> is not set. Returns the problems that were allowed (empty when there are none).
    /// </summary>
    public static IReadOnlyList<string> EnsureSafe(IConfiguration configuration)
    {
        var problems = Problems(configuration);
        if (problems.Count == 0 || AllowsDemo(configuration))
        {
            return problems;
        }

        throw new InvalidOperationException(
            "Cluster mode (ConnectionStrings:Vouchers is set) refuses to start with the demo's published credentials:"
            + string.Concat(problems.Select(p => Environment.NewLine + "  - " + p))
            + Environment.NewLine + "Keys are set in appsettings, or as environment variables with '__' for ':' (e.g. Demo__Enabled=false)."
            + $" To run the demo on a cluster on purpose (tests, the compose demo), set {AllowInClusterKey}=true. See docs/OPERATIONS.md.");
    }

    /// <summary>Says loudly, at every start, that a cluster runs with the demo's credentials on purpose.</summary>
    public void WarnAllowed(IReadOnlyList<string> allowed)
    {
        if (allowed.Count > 0)
        {
            LogDemoInCluster(AllowInClusterKey, string.Join(" ", allowed));
        }
    }

    [LoggerMessage(Level = LogLevel.Critical,
        Message = "{Key}=true: this cluster runs with the demo's published credentials. Anyone can use them; never put real people's data here. {Problems}")]
    private partial void LogDemoInCluster(string key, string problems);
}
