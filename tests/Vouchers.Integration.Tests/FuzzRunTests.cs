using System.Net;
using Vouchers.Integration.Tests.Infrastructure;
using Vouchers.Testing;
using Vouchers.Testing.Gateway;
using Vouchers.Testing.Postgres;
using Vouchers.Testing.Security;

namespace Vouchers.Integration.Tests;

/// <summary>
/// The fuzz run: more than 10,000 generated malformed requests (<see cref="RequestFuzzer"/>) over every route of the
/// authorization matrix, each sent by the route's in-scope caller to a gateway co-hosting a cluster silo on
/// PostgreSQL. No answer may be a 5xx, every request that would change something must be refused with a 4xx, the
/// gateway must still be ready afterwards, and every stored row and every batch counter must be what it was before.
/// </summary>
public sealed class FuzzRunTests : IAsyncLifetime
{
    private const int Seed = 20261204;
    private const int ProbesPerRoute = 240;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the stored state must stay the same to count as settled: longer than the event pipeline takes to write
    /// the statistics of the set-up's changes (a page at least every 5 s, counts written at most every 2 s).
    /// </summary>
    private static readonly TimeSpan SettleWindow = TimeSpan.FromSeconds(8);

    /// <summary>
    /// Tables that change without any request: the silos' membership heartbeats. Everything else — claims, stock,
    /// verification records, audit records, grain state, reminders — is compared row by row, except the state of the
    /// replay-protection grains, which every signed request is meant to touch (docs/SECURITY.md, "Replay protection").
    /// </summary>
    private static readonly string[] Unstable = ["orleans_membership", "orleans_membership_version"];

    private static readonly Dictionary<string, string> RowFilters = new()
    {
        ["orleans_grain_state"] = "WHERE grain_type NOT ILIKE '%nonce%'",
    };

    private TestDatabase database = null!;
    private ClusterGatewayFactory gateway = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync();
        gateway = ClusterGatewayFactory.CoHosting(database.ConnectionString, "fuzz-" + Guid.NewGuid().ToString("N")[..12], [],
            new Dictionary<string, string> { ["Verification:MaxFailedLookups"] = "1000000000" });
        await gateway.WaitUntilReadyAsync(ReadyTimeout);
    }

    public async Task DisposeAsync()
    {
        await gateway.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task TenThousandMalformedRequestsChangeNothingAndNoneFailsWithAServerError()
    {
        var world = await MatrixWorld.CreateAsync(gateway);
        var fuzzer = new RequestFuzzer(Seed);
        var probes = new List<(FuzzProbe Probe, HttpClient Client)>();
        foreach (var route in AccessMatrix.Routes)
        {
            var valid = await route.Arrange(world, route.Owner.Self());
            var client = world.ClientFor(route.Owner.Self(), route.Owner);
            probes.AddRange(fuzzer.ProbesFor(route.Method, route.Template, valid.Path, valid.Body, ProbesPerRoute).Select(p => (p, client)));
        }

        Assert.True(probes.Count >= 10_000, $"only {probes.Count} probes");
        var before = await SettledStateAsync(world);

        var failures = new List<string>();
        var byKind = new Dictionary<string, int>();
        foreach (var (probe, client) in probes)
        {
            byKind[probe.Kind] = byKind.GetValueOrDefault(probe.Kind) + 1;
            using var message = probe.ToMessage();
            using var response = await client.SendAsync(message);
            var status = (int)response.StatusCode;
            if (status >= 500 || (probe.Method != "GET" && status < 400))
            {
                failures.Add($"{status} for {probe}: {Shorten(await response.Content.ReadAsStringAsync())}");
            }
        }

        Assert.True(failures.Count == 0,
            $"{failures.Count} of {probes.Count} malformed requests (seed {Seed}) were not refused with a 4xx:\n" + string.Join("\n", failures.Take(40)));
        Assert.Equal(HttpStatusCode.OK, (await gateway.AnonymousClient().GetAsync("/health/ready")).StatusCode);
        foreach (var kind in new[] { "missing-field", "wrong-type", "number-out-of-range", "invalid-utf8", "duplicate-key", "deep-nesting", "injection", "oversized", "truncated", "route-value", "query" })
        {
            Assert.True(byKind.GetValueOrDefault(kind) > 0, $"no probe of kind {kind}");
        }

        // What the requests could have started in the background has had a second to land.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var after = await StateAsync(world);
        Assert.Equal(before.Counters, after.Counters);
        foreach (var (table, digest) in before.Tables)
        {
            Assert.True(after.Tables.TryGetValue(table, out var now) && now == digest, $"table {table} changed: {digest} → {now}");
        }
    }

    private sealed record State(string Counters, Dictionary<string, string> Tables);

    /// <summary>The state once what the set-up started (records written after their answers, group commits) has landed.</summary>
    private async Task<State> SettledStateAsync(MatrixWorld world)
    {
        var previous = await StateAsync(world);
        var settled = await Poll.UntilAsync(
            async () =>
            {
                await Task.Delay(SettleWindow);
                var current = await StateAsync(world);
                var same = Same(previous, current);
                previous = current;
                return (Same: same, State: current);
            },
            s => s.Same, TimeSpan.FromSeconds(90), _ => "the stored state to settle");
        return settled.State;
    }

    private static bool Same(State a, State b) =>
        a.Counters == b.Counters && a.Tables.Count == b.Tables.Count && a.Tables.All(t => b.Tables.GetValueOrDefault(t.Key) == t.Value);

    private async Task<State> StateAsync(MatrixWorld world)
    {
        // Every batch with its live counters (the list holds summaries; a batch's own read holds the counters).
        using var list = System.Text.Json.JsonDocument.Parse(await world.Ministry.GetStringAsync("/api/v1/admin/batches"));
        var snapshots = new List<string>();
        foreach (var id in list.RootElement.EnumerateArray().Select(b => b.GetProperty("id").GetString()!).Order(StringComparer.Ordinal))
        {
            snapshots.Add(await world.Ministry.GetStringAsync($"/api/v1/admin/batches/{id}"));
        }

        var batches = string.Join('\n', snapshots);
        var tables = await database.ListAsync(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name",
            r => r.GetString(0));
        var digests = new Dictionary<string, string>();
        foreach (var table in tables.Where(t => !Unstable.Contains(t)))
        {
            digests[table] = await database.ScalarAsync<string>(
                $"SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM \"{table}\" t {RowFilters.GetValueOrDefault(table, "")}");
        }

        return new State(batches, digests);
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
