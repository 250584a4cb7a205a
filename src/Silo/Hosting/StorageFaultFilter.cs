using Vouchers.Silo.Persistence;

namespace Vouchers.Silo.Hosting;

/// <summary>Translates the database faults of any grain call (see <see cref="StorageFaults"/>).</summary>
internal sealed class StorageFaultFilter(ILogger<StorageFaultFilter> logger) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception exception) when (StorageFaults.DatabaseFault(exception) is { } fault)
        {
            throw StorageFaults.Translate(logger, exception, fault, $"{context.InterfaceName}.{context.MethodName}");
        }
    }
}
