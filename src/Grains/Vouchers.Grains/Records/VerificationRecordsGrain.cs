using System.Collections.Immutable;
using Orleans.Concurrency;
using Vouchers.Contracts;

namespace Vouchers.Grains.Records;

/// <summary>
/// Hands records to the silo's writer and queries to the store. It keeps no state, so any number of activations may
/// run, and interleaving its calls is safe: each one only touches the writer's queue or the store.
/// </summary>
[StatelessWorker, Reentrant]
internal sealed class VerificationRecordsGrain(VerificationRecordWriter writer, IVerificationRecordStore store) : Grain, IVerificationRecordsGrain
{
    public Task AppendAsync(ImmutableArray<VerificationRecord> records)
    {
        foreach (var record in records.IsDefault ? [] : records)
        {
            writer.TryEnqueue(record);
        }

        return Task.CompletedTask;
    }

    public Task<RecordPage> QueryAsync(string institutionId, RecordQuery query) => store.QueryAsync(institutionId, query);
}
