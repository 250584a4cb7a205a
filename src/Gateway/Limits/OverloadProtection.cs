using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Vouchers.Http.Problems;

namespace Vouchers.Gateway.Limits;

public static class OverloadProtection
{
    /// <summary>A concurrency limiter for the claim route; refusals are 503 problem details with Retry-After.</summary>
    public static IServiceCollection AddClaimAdmission(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(OverloadOptions.Section).Get<OverloadOptions>() ?? new OverloadOptions();
        return services.AddRateLimiter(limiter =>
        {
            limiter.AddConcurrencyLimiter(OverloadOptions.ClaimPolicy, o =>
            {
                o.PermitLimit = Math.Max(1, options.MaxConcurrentClaims);
                o.QueueLimit = Math.Max(0, options.ClaimQueueLimit);
                o.QueueProcessingOrder = QueueProcessingOrder.OldestFirst;
            });
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var http = context.HttpContext;
                http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                http.Response.Headers.RetryAfter = options.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails = new ProblemDetails
                    {
                        Status = StatusCodes.Status503ServiceUnavailable,
                        Type = ProblemTypes.Unavailable,
                        Title = "The service is busy; retry shortly with the same request id.",
                    },
                });
            };
        });
    }
}
