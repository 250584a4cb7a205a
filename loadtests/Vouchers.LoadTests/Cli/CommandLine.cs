using System.Globalization;
using System.Net;
using Vouchers.LoadTests.Scenarios;
using Vouchers.LoadTests.Transport;

namespace Vouchers.LoadTests.Cli;

/// <summary>A command line that cannot be run; the message says what to change (exit code 2).</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>A parsed command line.</summary>
public sealed record LoadTestOptions
{
    public required IReadOnlyList<string> Scenarios { get; init; }
    public required Uri Target { get; init; }
    public required ScenarioSettings Settings { get; init; }
    public required Credentials Keys { get; init; }
    public IReadOnlyList<Threshold> Thresholds { get; init; } = [];
    public string ReportFolder { get; init; } = "reports";
    public string? ReportName { get; init; }
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Rates given with a scenario's name (<c>--scenario claim-burst:2000,statistics:20</c>); they win over --rate.</summary>
    public IReadOnlyDictionary<string, int> Rates { get; init; } = new Dictionary<string, int>();

    /// <summary>The settings one scenario runs with: <see cref="Settings"/>, at the rate given with its name if any.</summary>
    public ScenarioSettings SettingsOf(string scenario) =>
        Rates.TryGetValue(scenario, out var rate) ? Settings with { Rate = rate } : Settings;
}

public static class CommandLine
{
    public static readonly string[] ScenarioNames = [ClaimBurst.Name, SoldOutStorm.Name, ScanGunVerify.Name, MixedDay.Name, StatisticsReads.Name, Ceiling.Name];

    public const string Usage = """
        usage: dotnet loadtests/Vouchers.LoadTests/bin/Release/net10.0/Vouchers.LoadTests.dll --scenario <name>[,<name>...] --target <baseUrl> [options]

          --scenario NAMES       claim-burst, sold-out-storm, scan-gun-verify, mixed-day, statistics, ceiling (comma-separated;
                                 they run together); NAME:RATE gives that scenario its own rate, e.g. claim-burst:2000,statistics:20
          --target URL           the engine (or baseline) base URL, e.g. http://127.0.0.1:5080   [env VOUCHERS_TARGET]
          --rate N               arrivals per second (open model) of every scenario without its own; default per scenario, 20 with --smoke
          --duration 30s         measured load duration (ms, s, m, h or hh:mm:ss)
          --warmup 3s            unmeasured load before it (0 to skip)
          --quantity N           vouchers per batch the scenario creates
          --people N             claim-burst: distinct people at most (then every arrival is a holder claiming again);
                                 scan-gun-verify: vouchers claimed in init
          --repeat-share 0.3     claim-burst, mixed-day: share of claim arrivals that are a holder claiming again (new request id)
          --replay-share 0.03    claim-burst, mixed-day: share of claim arrivals that resend an earlier request (same request id)
          --report-folder DIR    where reports go (default ./reports)
          --report-name NAME     report file name without extension (default <scenarios>-<time>)
          --threshold "p99<20ms" repeatable; [scenario:]metric op value[unit]
          --admin-key K          X-Api-Key of an admin        [env VOUCHERS_ADMIN_KEY]
          --institution-key K    X-Api-Key of an institution  [env VOUCHERS_INSTITUTION_KEY]
          --channel-key-id ID    the channel's request-signing key id  [env VOUCHERS_CHANNEL_KEY_ID]
          --channel-secret S     and its secret; channel requests are signed (VOUCHERS-HMAC-SHA256)  [env VOUCHERS_CHANNEL_SECRET]
                                 default both: the zero-setup demo's sign-national-app and its secret
          --smoke                a few seconds at a low rate, no warm-up, fail% < 1 unless thresholds are given
          --max-concurrency N    open model: iterations in flight at most (default 1000)
          --max-lag 1s           open model: an arrival not started within this of its intended time is dropped
          --ping-path /ping      the path the ceiling scenario GETs
          --progress 5s          live progress interval (0 = off)
          --seed N               fixes the synthetic people and request ids
          --allow-remote         permit a target that is not a loopback address

        exit codes: 0 every threshold and invariant held, 1 one failed (or the run could not complete), 2 usage error
        """;

    private static readonly HashSet<string> Flags = ["--smoke", "--allow-remote", "--help", "-h"];

    public static LoadTestOptions Parse(IReadOnlyList<string> args, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var thresholds = new List<Threshold>();
        var flags = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? inline = null;
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf('=', StringComparison.Ordinal) is > 2 and var eq)
            {
                inline = arg[(eq + 1)..];
                arg = arg[..eq];
            }

            if (Flags.Contains(arg))
            {
                flags.Add(arg);
                continue;
            }

            if (arg == "--channel-key")
            {
                throw new UsageException("--channel-key is gone: channels sign their requests; give --channel-key-id and --channel-secret.");
            }

            if (!Known.Contains(arg))
            {
                throw new UsageException($"Unknown argument '{args[i]}'.");
            }

            var value = inline ?? (i + 1 < args.Count ? args[++i] : throw new UsageException($"{arg} needs a value."));
            if (arg == "--threshold")
            {
                try
                {
                    thresholds.Add(Threshold.Parse(value));
                }
                catch (FormatException ex)
                {
                    throw new UsageException(ex.Message);
                }
            }
            else if (!values.TryAdd(arg, value))
            {
                throw new UsageException($"{arg} is given twice.");
            }
        }

        if (flags.Contains("--help") || flags.Contains("-h"))
        {
            throw new UsageException("");
        }

        var scenarios = new List<string>();
        var rates = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in (Get("--scenario") ?? throw new UsageException("--scenario is required."))
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (name, rateText) = entry.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0
                ? (entry[..colon].Trim(), entry[(colon + 1)..].Trim())
                : (entry, null);
            if (!ScenarioNames.Contains(name))
            {
                throw new UsageException($"Unknown scenario '{name}'; choose from {string.Join(", ", ScenarioNames)}.");
            }

            if (rateText is not null)
            {
                if (!int.TryParse(rateText, NumberStyles.None, CultureInfo.InvariantCulture, out var rate) || rate < 1)
                {
                    throw new UsageException($"--scenario {entry}: the rate after ':' must be a whole number of at least 1 (arrivals per second).");
                }

                if (rates.TryGetValue(name, out var earlier) && earlier != rate)
                {
                    throw new UsageException($"--scenario names {name} with two rates ({earlier} and {rate}).");
                }

                rates[name] = rate;
            }

            if (!scenarios.Contains(name))
            {
                scenarios.Add(name);
            }
        }

        if (scenarios.Count == 0)
        {
            throw new UsageException("--scenario names no scenario.");
        }

        var targetText = Get("--target") ?? environment("VOUCHERS_TARGET") ?? throw new UsageException("--target is required (e.g. http://127.0.0.1:5080).");
        if (!Uri.TryCreate(targetText, UriKind.Absolute, out var target) || target.Scheme is not ("http" or "https"))
        {
            throw new UsageException($"--target '{targetText}' is not an http(s) URL.");
        }

        if (!flags.Contains("--allow-remote") && !IsLoopback(target))
        {
            throw new UsageException($"--target {target.Host} is not a loopback address; load goes to this machine unless --allow-remote is given.");
        }

        var smoke = flags.Contains("--smoke");
        var defaults = new ScenarioSettings();
        var settings = new ScenarioSettings
        {
            Rate = Int("--rate", 1),
            Duration = Time("--duration") ?? (smoke ? TimeSpan.FromSeconds(3) : defaults.Duration),
            WarmUp = Time("--warmup", allowZero: true) ?? (smoke ? TimeSpan.Zero : defaults.WarmUp),
            Quantity = Int("--quantity", 1),
            People = Int("--people", 1),
            RepeatShare = Share("--repeat-share") ?? defaults.RepeatShare,
            ReplayShare = Share("--replay-share") ?? defaults.ReplayShare,
            MaxConcurrency = Int("--max-concurrency", 1) ?? defaults.MaxConcurrency,
            MaxLag = Time("--max-lag", allowZero: true) ?? defaults.MaxLag,
            Smoke = smoke,
            PingPath = Get("--ping-path") ?? defaults.PingPath,
            Seed = Long("--seed") ?? defaults.Seed,
        };
        if (settings.RepeatShare + settings.ReplayShare > 1)
        {
            throw new UsageException($"--repeat-share and --replay-share add up to {settings.RepeatShare + settings.ReplayShare:0.###}; together they may be 1 at most.");
        }

        if (smoke && thresholds.Count == 0)
        {
            thresholds.Add(Threshold.Parse("fail% < 1"));
        }

        var channelKeyId = Get("--channel-key-id") ?? environment("VOUCHERS_CHANNEL_KEY_ID");
        var channelSecret = Get("--channel-secret") ?? environment("VOUCHERS_CHANNEL_SECRET");
        if ((channelKeyId is null) != (channelSecret is null))
        {
            throw new UsageException("--channel-key-id and --channel-secret go together (or neither, for the demo's signing key).");
        }

        if (channelKeyId is not null && (!Printable(channelKeyId) || !Printable(channelSecret!)))
        {
            throw new UsageException("--channel-key-id and --channel-secret must be printable ASCII.");
        }

        var keys = new Credentials(
            Get("--admin-key") is { } admin ? new ApiKeyCredential(admin) : environment("VOUCHERS_ADMIN_KEY") is { } adminEnv ? new ApiKeyCredential(adminEnv) : Credentials.Demo.Admin,
            channelKeyId is null ? Credentials.Demo.Channel : new SigningKeyCredential(channelKeyId, channelSecret!),
            Get("--institution-key") is { } institution ? new ApiKeyCredential(institution)
                : environment("VOUCHERS_INSTITUTION_KEY") is { } institutionEnv ? new ApiKeyCredential(institutionEnv) : Credentials.Demo.Institution);
        return new LoadTestOptions
        {
            Scenarios = scenarios,
            Target = target,
            Settings = settings,
            Keys = keys,
            Thresholds = thresholds,
            ReportFolder = Get("--report-folder") ?? "reports",
            ReportName = Get("--report-name"),
            ProgressInterval = Time("--progress", allowZero: true) ?? TimeSpan.FromSeconds(5),
            Rates = rates,
        };

        string? Get(string name) => values.TryGetValue(name, out var v) ? v : null;

        static bool Printable(string text) => text.Length > 0 && text.All(c => c is > ' ' and < (char)127);

        int? Int(string name, int min)
        {
            if (Get(name) is not { } text)
            {
                return null;
            }

            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min
                ? n
                : throw new UsageException($"{name} '{text}' must be a whole number of at least {min}.");
        }

        double? Share(string name) => Get(name) is { } text
            ? double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var share) && share is >= 0 and <= 1
                ? share
                : throw new UsageException($"{name} '{text}' must be a share between 0 and 1, e.g. 0.3.")
            : null;

        long? Long(string name) => Get(name) is { } text
            ? long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw new UsageException($"{name} '{text}' must be a whole number.")
            : null;

        TimeSpan? Time(string name, bool allowZero = false)
        {
            if (Get(name) is not { } text)
            {
                return null;
            }

            var t = ParseDuration(text) ?? throw new UsageException($"{name} '{text}' is not a duration; write e.g. 500ms, 30s, 2m or 00:00:30.");
            return t > TimeSpan.Zero || (allowZero && t == TimeSpan.Zero) ? t : throw new UsageException($"{name} must be {(allowZero ? "zero or more" : "more than zero")}.");
        }
    }

    /// <summary>500ms, 30s, 1.5m, 2h, 00:00:30, or a bare number of seconds.</summary>
    public static TimeSpan? ParseDuration(string text)
    {
        text = text.Trim();
        (string Suffix, double Seconds)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];
        foreach (var (suffix, seconds) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= 0)
            {
                return TimeSpan.FromSeconds(n * seconds);
            }
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var bare) && bare >= 0)
        {
            return TimeSpan.FromSeconds(bare);
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero ? span : null;
    }

    private static readonly HashSet<string> Known =
    [
        "--scenario", "--target", "--rate", "--duration", "--warmup", "--quantity", "--people", "--report-folder", "--report-name",
        "--threshold", "--admin-key", "--channel-key-id", "--channel-secret", "--institution-key", "--max-concurrency", "--max-lag", "--ping-path",
        "--progress", "--seed", "--repeat-share", "--replay-share",
    ];

    private static bool IsLoopback(Uri target) =>
        target.IsLoopback || (IPAddress.TryParse(target.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
