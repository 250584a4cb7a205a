namespace Vouchers.Gateway.Seeding;

/// <summary>Section "Demo": the demo data seeded at start-up (on by default in the zero-setup mode).</summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    public bool Enabled { get; set; }

    /// <summary>
    /// Lets a cluster start with the demo data or a published demo secret (tests, the compose demo); logged as critical.
    /// Without it cluster mode refuses to start (see <see cref="Security.ClusterSafety"/>).
    /// </summary>
    public bool AllowInCluster { get; set; }

    /// <summary>Overrides of the demo API keys' secrets by key id (default secret: "demo-" + key id).</summary>
    public Dictionary<string, string> Secrets { get; set; } = [];

    public string SecretFor(string keyId) => Secrets.TryGetValue(keyId, out var secret) && secret.Length > 0 ? secret : "demo-" + keyId;
}
