namespace Vouchers.Gateway.Audit;

/// <summary>Route metadata: the route's successful answers are changes of state, recorded as <see cref="Action"/> about <see cref="Subject"/>.</summary>
public sealed record AuditedAction(string Action, AuditSubject Subject);

public static class AuditedRoutes
{
    /// <summary>
    /// Records every successful answer of the route in the audit trail (<see cref="AuditRecorder"/>), as
    /// <paramref name="action"/> about what <paramref name="subject"/> describes.
    /// </summary>
    public static RouteHandlerBuilder Audited(this RouteHandlerBuilder route, string action, AuditSubject subject)
    {
        ArgumentNullException.ThrowIfNull(route);
        var audited = new AuditedAction(action, subject);
        return route
            .WithMetadata(audited)
            .AddEndpointFilter((context, next) => context.HttpContext.RequestServices.GetRequiredService<AuditRecorder>().InvokeAsync(context, next, audited));
    }
}
