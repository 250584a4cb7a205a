using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Vouchers.Http.Problems;

namespace Vouchers.Gateway.Problems;

/// <summary>
/// Turns exceptions into problem details: unreadable bodies into a 400 naming the field, an unreachable or
/// overloaded cluster into 503 with Retry-After, anything else into a bare 500 (logged, never a stack trace).
/// </summary>
public sealed partial class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails problem;
        switch (exception)
        {
            case BadHttpRequestException { InnerException: JsonException json }:
                var field = FieldOf(json.Path);
                problem = new HttpValidationProblemDetails(new Dictionary<string, string[]>
                {
                    [field] = [json.Path is null ? "The body is not valid JSON." : "The value is missing, of the wrong type or not valid JSON."],
                })
                {
                    Status = StatusCodes.Status400BadRequest,
                    Title = "The request is not valid.",
                    Type = ProblemTypes.Validation,
                };
                break;
            case BadHttpRequestException { StatusCode: StatusCodes.Status400BadRequest }:
                problem = new HttpValidationProblemDetails(new Dictionary<string, string[]> { ["body"] = ["A JSON body is required."] })
                {
                    Status = StatusCodes.Status400BadRequest,
                    Title = "The request is not valid.",
                    Type = ProblemTypes.Validation,
                };
                break;
            case BadHttpRequestException bad:
                problem = new ProblemDetails
                {
                    Status = bad.StatusCode,
                    Title = bad.StatusCode switch
                    {
                        StatusCodes.Status413PayloadTooLarge => "The request body is too large.",
                        StatusCodes.Status415UnsupportedMediaType => "The request body must be application/json.",
                        _ => "The request could not be read.",
                    },
                };
                break;
            // ReadFromJsonAsync throws this, not a BadHttpRequestException, when Content-Type names an unknown charset.
            case InvalidOperationException { InnerException: ArgumentException } when HasCharset(context.Request):
                problem = new ProblemDetails
                {
                    Status = StatusCodes.Status415UnsupportedMediaType,
                    Title = "The request body must be application/json.",
                    Detail = "The charset of the Content-Type is not supported; send UTF-8.",
                };
                break;
            // A silo that did not answer, or a database that refused work (the silo sends its exception over as a
            // fallback when the database driver's exception type cannot travel): nothing was acknowledged.
            case TimeoutException or OrleansException or SiloUnavailableException or System.Data.Common.DbException
                or Orleans.Serialization.UnavailableExceptionFallbackException:
                LogUnavailable(exception);
                context.Response.Headers.RetryAfter = "1";
                problem = new ProblemDetails
                {
                    Status = StatusCodes.Status503ServiceUnavailable,
                    Title = "The service is busy; retry shortly with the same request id.",
                    Type = ProblemTypes.Unavailable,
                };
                break;
            default:
                LogUnhandled(exception);
                problem = new ProblemDetails
                {
                    Status = StatusCodes.Status500InternalServerError,
                    Title = "An unexpected error occurred.",
                };
                break;
        }

        context.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    private static bool HasCharset(HttpRequest request) =>
        Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(request.ContentType, out var type) && type.Charset.HasValue;

    /// <summary>"$.eligibility.minAge" → "eligibility.minAge"; the whole body → "body".</summary>
    private static string FieldOf(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;

    [LoggerMessage(Level = LogLevel.Warning, Message = "The cluster or its database is unavailable")]
    private partial void LogUnavailable(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception")]
    private partial void LogUnhandled(Exception exception);
}
