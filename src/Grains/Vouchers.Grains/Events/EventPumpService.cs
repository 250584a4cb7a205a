using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Vouchers.Grains.Events;

/// <summary>
/// Drives the event pump: every silo asks it to pump every <see cref="EventOptions.PollInterval"/>, so it runs wherever
/// it lives and, after its silo dies, on a living one as soon as the cluster notices. Driven from here on the machine's
/// clock rather than by a grain timer, which follows the engine's time provider.
/// </summary>
public sealed partial class EventPumpService(IGrainFactory grains, IOptions<EventOptions> options, ILogger<EventPumpService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PollInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await grains.GetGrain<IEventPumpGrain>(IEventPumpGrain.Key).PumpAsync();
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                LogPumpUnreachable(exception); // the silo may still be starting, or the pump's silo just died
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not reach the event pump; trying again")]
    private partial void LogPumpUnreachable(Exception exception);
}
