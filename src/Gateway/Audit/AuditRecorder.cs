using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Vouchers.Contracts;
using Vouchers.Http.Problems;
using Vouchers.Http.Results;

namespace Vouchers.Gateway.Audit;

/// <summary>
/// The one place where changes are written to the audit trail: the endpoint filter of every route marked
/// <see cref="AuditedRoutes.Audited"/>. It reads the subject's essentials before the handler runs and, when the handler
/// answers with a success (2xx, not an idempotent replay) that changed them, stores the record before the answer
/// leaves. Refusals are not recorded (they are in the logs); a success that changed nothing (a repeated revocation,
/// a repeated disbursement) is not either.
/// </summary>
/// <remarks>
/// Writing the record is part of the request: an answered change has its record, committed (PostgreSQL) before the
/// answer. Admin changes are rare, so the round trip costs nothing that matters. When the record cannot be stored
/// (after <see cref="Attempts"/> tries), the change stands but is not acknowledged: the caller gets 503
/// <c>audit-unavailable</c>, and the record is logged at Critical level with everything it holds (it holds nothing
/// personal), so that it is never lost silently and an operator can enter it.
/// </remarks>
public sealed partial class AuditRecorder(IGrainFactory grains, TimeProvider time, ILogger<AuditRecorder> logger)
{
    public const int Attempts = 3;

    private static readonly TimeSpan[] Backoff = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500)];

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, AuditedAction audited)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(audited);
        var http = context.HttpContext;
        var before = await audited.Subject.BeforeAsync(http, grains);
        var result = await next(context);
        if (!IsChange(result, http, out var value))
        {
            return result;
        }

        var after = await audited.Subject.AfterAsync(http, value, grains);
        if (after is null || (before is not null && before.Essentials == after.Essentials))
        {
            return result;
        }

        var record = new AuditRecord(0, time.GetUtcNow(), http.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "unknown", audited.Action,
            after.TargetId, after.RegionCode, before?.Essentials, after.Essentials, ClientAddress(http));
        return await TryAppendAsync(record) ? result : NotAudited();
    }

    /// <summary>The TCP peer's address (IPv4 written as such). A proxy's X-Forwarded-For is not trusted: it is whatever the client wrote.</summary>
    public static string? ClientAddress(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return http.Connection.RemoteIpAddress is not { } address ? null
            : address.IsIPv4MappedToIPv6 ? address.MapToIPv4().ToString()
            : address.ToString();
    }

    private static bool IsChange(object? result, HttpContext http, out object? value)
    {
        value = null;
        while (result is INestedHttpResult nested)
        {
            result = nested.Result;
        }

        if (result is not IStatusCodeHttpResult { StatusCode: >= 200 and < 300 }
            || IdempotentReplay.IsMarked(http.Response))
        {
            return false;
        }

        value = (result as IValueHttpResult)?.Value;
        return true;
    }

    private async Task<bool> TryAppendAsync(AuditRecord record)
    {
        var trail = grains.GetGrain<IAuditTrailGrain>(0);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await trail.AppendAsync(record);
                return true;
            }
            catch (Exception exception) when (attempt < Attempts)
            {
                LogRetry(exception, record.Action, record.TargetId, attempt);
                await Task.Delay(Backoff[attempt - 1]);
            }
            catch (Exception exception)
            {
                LogNotStored(exception, Attempts, record.Action, record.TargetId, record.RegionCode, record.Actor, record.ClientAddress,
                    record.OccurredAt, record.Before, record.After);
                return false;
            }
        }
    }

    private static ProblemHttpResult NotAudited() =>
        ProblemTypes.Problem(StatusCodes.Status503ServiceUnavailable, ProblemTypes.AuditUnavailable,
            "The change was made, but its audit record could not be stored.",
            "The change stands and is logged for the operator. Read the resource's state before you repeat the request.");

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Storing the audit record of {Action} of {TargetId} failed (attempt {Attempt}); trying again")]
    private partial void LogRetry(Exception exception, string action, string targetId, int attempt);

    [LoggerMessage(EventId = 2, Level = LogLevel.Critical, Message =
        "AUDIT RECORD NOT STORED after {Attempts} attempts; the change stands: {Action} of {TargetId} in region '{RegionCode}' by {Actor} " +
        "from {ClientAddress} at {OccurredAt:O}, before {Before}, after {After}")]
    private partial void LogNotStored(Exception exception, int attempts, string action, string targetId, string regionCode, string actor,
        string? clientAddress, DateTimeOffset occurredAt, string? before, string? after);
}
