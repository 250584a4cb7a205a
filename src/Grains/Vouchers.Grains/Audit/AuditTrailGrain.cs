using Orleans.Concurrency;
using Vouchers.Contracts;

namespace Vouchers.Grains.Audit;

/// <summary>
/// Hands records and queries to the silo's audit store. It keeps no state, so any number of activations may run, and
/// interleaving its calls is safe: each one only reaches the store.
/// </summary>
[StatelessWorker, Reentrant]
internal sealed class AuditTrailGrain(IAuditStore store) : Grain, IAuditTrailGrain
{
    public Task AppendAsync(AuditRecord record) => store.AppendAsync(record);

    public Task<AuditPage> QueryAsync(string regionPrefix, AuditQuery query) => store.QueryAsync(regionPrefix, query);
}
