using System.Collections.Concurrent;

namespace Vouchers.LoadTests.Scenarios;

/// <summary>
/// Institutions' scan guns verify a mix of codes whose verdicts init arranged: valid ones, used ones, redeemed ones
/// (used, applied for, approved and disbursed), never-issued ones and mistyped ones. Every verdict must be the one
/// init made. Against a target without use and redemption (the baseline) only valid and unknown codes are mixed.
/// </summary>
public sealed class ScanGunVerify(VoucherApi api, ScenarioSettings settings)
{
    public const string Name = "scan-gun-verify";

    private readonly PersonPool people = new(settings.Seed + 2);
    private readonly ConcurrentDictionary<string, long> mismatches = new();
    private readonly List<Category> categories = [];
    private string batchId = "";
    private int pool;
    private int redeemed;
    private bool lifecycle;

    public ScenarioProps Create() => settings.Apply(Scenario.Create(Name, IterationAsync), defaultRate: 300)
        .WithInit(InitAsync)
        .WithClean(CheckInvariantsAsync);

    private async Task InitAsync(IScenarioInitContext context)
    {
        var ct = context.CancellationToken;
        pool = Math.Max(10, settings.People ?? (settings.Smoke ? 40 : 400));
        batchId = await api.CreateActiveBatchAsync($"load test {Name} {settings.Seed:x}", pool, ct);
        var codes = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, pool), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (i, token) =>
        {
            var r = await api.ClaimAsync(batchId, people[i], settings.RequestId("pool", i), token);
            codes.Add(r.String("code") ?? throw new InvalidOperationException($"Claiming the pool: claim {i} answered {r.Status}: {VoucherApi.Text(r)}"));
        });
        var all = codes.Order(StringComparer.Ordinal).ToList();

        // Does the target know use and redemption? The baseline offers claim and verify only.
        var probe = await api.UseAsync(all[0], ct);
        lifecycle = probe.Status == 200;
        var random = new Random((int)settings.Seed);
        var unknown = Enumerable.Range(0, Math.Max(50, pool / 2)).Select(_ => VoucherCodes.NewUnissued(random)).ToList();
        if (!lifecycle)
        {
            context.Log($"the target does not use vouchers (POST …/use answered {probe.Status}): verifying valid and unknown codes only");
            categories.Add(new Category("valid", "valid", all, 80));
            categories.Add(new Category("unknown", "unknown", unknown, 20));
            return;
        }

        var usedCount = Math.Max(2, pool / 4);
        redeemed = Math.Max(1, pool * 15 / 100);
        var used = all.Take(usedCount + redeemed).ToList();
        await Parallel.ForEachAsync(used.Skip(1), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (code, token) =>
        {
            var r = await api.UseAsync(code, token);
            if (r.Status != 200)
            {
                throw new InvalidOperationException($"Using {code} answered {r.Status}: {VoucherApi.Text(r)}");
            }
        });

        var toRedeem = used.Skip(usedCount).ToList();
        foreach (var chunk in toRedeem.Chunk(500))
        {
            await RedeemAsync(chunk, ct);
        }

        var valid = all.Skip(usedCount + redeemed).ToList();
        categories.Add(new Category("valid", "valid", valid, 50));
        categories.Add(new Category("used", "alreadyUsed", used.Take(usedCount).ToList(), 15));
        categories.Add(new Category("redeemed", "redeemed", toRedeem, 10));
        categories.Add(new Category("unknown", "unknown", unknown, 20));
        categories.Add(new Category("mistyped", "unknown", valid.Select(c => VoucherCodes.Mistype(c, random)).ToList(), 5));
        context.Log($"batch {batchId}: {valid.Count} valid, {usedCount} used, {toRedeem.Count} redeemed, {unknown.Count} never-issued codes");
    }

    /// <summary>Applies for the subsidy of used vouchers, approves every line and disburses: the vouchers are redeemed.</summary>
    private async Task RedeemAsync(IReadOnlyList<string> codes, CancellationToken ct)
    {
        var applied = await api.ApplyForSubsidyAsync(batchId, codes, ct);
        var id = applied.String("id") ?? throw new InvalidOperationException($"Applying for the subsidy answered {applied.Status}: {VoucherApi.Text(applied)}");
        var review = await api.ReviewAsync(id, codes.Select(c => (c, true)), ct);
        var disburse = review.Status == 200 ? await api.DisburseAsync(id, ct) : review;
        if (disburse.Status != 200)
        {
            throw new InvalidOperationException($"Redeeming application {id} answered {disburse.Status}: {VoucherApi.Text(disburse)}");
        }
    }

    private async Task<IResponse> IterationAsync(IScenarioContext context)
    {
        var category = Pick(context.Random);
        var code = category.Codes[context.Random.Next(category.Codes.Count)];
        return await Step.Run($"verify-{category.Name}", context, async () =>
        {
            var r = await api.VerifyAsync(code, context.CancellationToken);
            var verdict = r.String("verdict");
            if (r.Status == 200 && verdict == category.Verdict)
            {
                return Response.Ok<object>(verdict, $"200 {verdict}", r.Size);
            }

            mismatches.AddOrUpdate($"{category.Name} → {(r.Status == 200 ? verdict : r.Status.ToString(System.Globalization.CultureInfo.InvariantCulture))}", 1, (_, n) => n + 1);
            return Response.Fail<object>($"{r.Status} {verdict ?? r.Problem}", $"a {category.Name} code should verify as {category.Verdict}", r.Size);
        });
    }

    private Category Pick(Random random)
    {
        var draw = random.Next(categories.Sum(c => c.Weight));
        foreach (var c in categories)
        {
            if ((draw -= c.Weight) < 0)
            {
                return c;
            }
        }

        return categories[^1];
    }

    private async Task CheckInvariantsAsync(IScenarioInitContext context)
    {
        context.Invariant("every verdict is the one init arranged", mismatches.IsEmpty,
            mismatches.IsEmpty ? "no mismatch" : string.Join(", ", mismatches.Select(m => $"{m.Key}: {m.Value:N0}")));
        var batch = await api.GetCountersAsync(batchId);
        context.Invariant("verifying changes nothing: claimed == pool", batch.Claimed == pool, $"claimed {batch.Claimed:N0}, pool {pool:N0}");
        if (lifecycle)
        {
            context.Invariant("redeemed == vouchers init redeemed", batch.Redeemed == redeemed, $"redeemed {batch.Redeemed:N0}, init redeemed {redeemed:N0}");
        }
    }

    private sealed record Category(string Name, string Verdict, IReadOnlyList<string> Codes, int Weight);
}
