using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Vouchers.Gateway.Records;

public static class VerificationRecordingExtensions
{
    /// <summary>The gateway's buffer of verification records and the loop that sends them to the cluster.</summary>
    public static IServiceCollection AddVerificationRecording(this IServiceCollection services)
    {
        services.TryAddSingleton<VerificationRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<VerificationRecorder>());
        return services;
    }
}
