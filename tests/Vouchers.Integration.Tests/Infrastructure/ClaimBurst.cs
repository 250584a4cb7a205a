using System.Collections.Concurrent;
using System.Net;
using Vouchers.Contracts;
using Vouchers.Http.Contracts;
using Vouchers.Testing.Gateway;
using Vouchers.Testing.Postgres;

namespace Vouchers.Integration.Tests.Infrastructure;

/// <summary>Sends claims with bounded concurrency and sorts the answers.</summary>
internal sealed class ClaimBurst
{
    /// <summary>Person number → the code acknowledged with 200 (a first claim or a replay).</summary>
    public ConcurrentDictionary<int, string> Acknowledged { get; } = new();

    /// <summary>Answers no claim may get: a 5xx other than 503, an acknowledged person getting a second code.</summary>
    public ConcurrentBag<string> Unexpected { get; } = [];

    public static async Task<ClaimBurst> RunAsync(
        DemoClients api, string batchId, IReadOnlyList<(int Person, string RequestId)> requests, int concurrency, Action<int>? afterEach = null)
    {
        var burst = new ClaimBurst();
        var next = -1;
        var gate = new Lock();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests.Count)
            {
                var (n, requestId) = requests[i];
                await burst.ClaimAsync(api, batchId, n, requestId);
                if (afterEach is not null)
                {
                    lock (gate)
                    {
                        afterEach(burst.Acknowledged.Count);
                    }
                }
            }
        }));
        return burst;
    }

    /// <summary>
    /// After a crash in the middle of this burst and the recovery: every acknowledged claim is stored and verifies,
    /// nobody holds two, the counters add up; then the channels retry every request, each acknowledged person gets
    /// the same voucher back and the whole quantity is claimed, so no unit reserved at the crash stayed lost.
    /// </summary>
    public async Task AssertNothingAcknowledgedWasLostAsync(
        DemoClients api, TestDatabase database, string batchId, int quantity, IReadOnlyList<(int Person, string RequestId)> requests)
    {
        var stored = await StoredClaims.ReadAsync(database, batchId);
        var missing = Acknowledged.Values.Except(stored.Codes).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} acknowledged claims are not stored after the crash, e.g. {string.Join(", ", missing.Take(5))}");
        Assert.Equal(stored.Live, stored.DistinctPeople);
        // As scan guns do, a few at a time: thousands of verifications at once, each activating a voucher from storage
        // on a busy box, may rightly be answered 503 (retry), which is not what this checks.
        var verdicts = new ConcurrentBag<VerifyResponse>();
        await Parallel.ForEachAsync(Acknowledged.Values, new ParallelOptions { MaxDegreeOfParallelism = 64 },
            async (code, _) => verdicts.Add(await api.Institution.VerifyAsync(code)));
        Assert.All(verdicts, v => Assert.True(v.Valid, $"{v.Code}: {v.Verdict}"));
        var counters = (await api.Admin.GetBatchAsync(batchId)).Counters;
        Assert.Equal(stored.Live, counters.Claimed);
        Assert.Equal(quantity, counters.Claimed + counters.Remaining);

        var retry = await RunAsync(api, batchId, requests, concurrency: 64);
        Assert.Empty(retry.Unexpected);
        foreach (var (person, code) in Acknowledged)
        {
            Assert.Equal(code, retry.Acknowledged[person]);
        }

        stored = await StoredClaims.ReadAsync(database, batchId);
        Assert.Equal((quantity, quantity), (stored.Live, stored.DistinctPeople));
        Assert.Equal(retry.Acknowledged.Values.Order(), stored.Codes.Order());
        counters = (await api.Admin.GetBatchAsync(batchId)).Counters;
        Assert.Equal((quantity, 0), (counters.Claimed, counters.Remaining));
    }

    private async Task ClaimAsync(DemoClients api, string batchId, int n, string requestId)
    {
        HttpResponseMessage response;
        try
        {
            response = await api.Channel.PostClaimAsync(TestPerson.Number(n), batchId, requestId);
        }
        catch (HttpRequestException)
        {
            return; // no answer: not acknowledged
        }

        using (response)
        {
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    var code = (await VoucherApi.ReadAsync<VoucherView>(response, HttpStatusCode.OK)).Code;
                    var held = Acknowledged.GetOrAdd(n, code);
                    if (held != code)
                    {
                        Unexpected.Add($"person {n} was acknowledged {held} and then {code}");
                    }

                    break;
                case HttpStatusCode.Conflict or HttpStatusCode.ServiceUnavailable:
                    break; // sold out / already claimed / refused while the engine was unavailable
                default:
                    Unexpected.Add($"person {n}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    break;
            }
        }
    }
}

/// <summary>The claims of one batch as stored in vouchers_claims.</summary>
internal sealed record StoredClaims(int Total, int Live, int DistinctPeople, List<string> Codes)
{
    public static async Task<StoredClaims> ReadAsync(TestDatabase database, string batchId)
    {
        var rows = await database.ListAsync(
            "SELECT code, person_key, returned_at IS NOT NULL FROM vouchers_claims WHERE batch_id = @batch",
            r => (Code: r.GetString(0), Person: r.GetString(1), Returned: r.GetBoolean(2)),
            ("batch", batchId));
        var live = rows.Where(r => !r.Returned).ToList();
        return new(rows.Count, live.Count, live.Select(r => r.Person).Distinct().Count(), [.. live.Select(r => r.Code)]);
    }
}
