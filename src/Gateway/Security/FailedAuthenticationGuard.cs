using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Vouchers.Http.Problems;

namespace Vouchers.Gateway.Security;

/// <summary>
/// Refuses a request that presents a credential (X-Api-Key or Authorization) with 429 and Retry-After while its client
/// address is blocked for failed authentications (<see cref="FailedAuthentications"/>): before any key is looked up.
/// </summary>
public sealed class FailedAuthenticationGuard(RequestDelegate next, FailedAuthentications failures, IProblemDetailsService problems)
{
    public Task InvokeAsync(HttpContext context) =>
        PresentsCredential(context.Request) && failures.RefusedFor(context.Connection.RemoteIpAddress) is { } left
            ? RefuseAsync(context, left)
            : next(context);

    private static bool PresentsCredential(HttpRequest request) =>
        request.Headers.ContainsKey(ApiKeys.HeaderName) || request.Headers.ContainsKey(Microsoft.Net.Http.Headers.HeaderNames.Authorization);

    private Task RefuseAsync(HttpContext context, TimeSpan left)
    {
        var seconds = (int)Math.Ceiling(left.TotalSeconds);
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Type = ProblemTypes.TooManyFailedAuthentications,
                Title = "Too many failed authentications from this address.",
                Detail = $"Requests with a credential from this address are refused for {seconds} s.",
            },
        }).AsTask();
    }
}
