using Microsoft.AspNetCore.Mvc;

namespace Vouchers.Gateway.Limits;

/// <summary>
/// Refuses bodies over the limit with 413 before anything reads them (Kestrel enforces the same limit on
/// bodies without a Content-Length while they are read).
/// </summary>
public sealed class RequestLimits(RequestDelegate next, IProblemDetailsService problems)
{
    public const long MaxBodyBytes = 64 * 1024;

    // Not async itself: the common case hands the request on without a state machine of its own.
    public Task InvokeAsync(HttpContext context) =>
        context.Request.ContentLength > MaxBodyBytes ? RefuseAsync(context) : next(context);

    private Task RefuseAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        return problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status413PayloadTooLarge,
                Title = "The request body is too large.",
                Detail = $"Bodies are limited to {MaxBodyBytes / 1024} KiB.",
            },
        }).AsTask();
    }
}
