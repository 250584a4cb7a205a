using System.Security.Claims;
using Vouchers.Contracts;

namespace Vouchers.Gateway.Security;

/// <summary>
/// Tells the grains which admin key a request acts for (<see cref="ActingAdmin"/>), so the events of the changes it
/// makes name it. Admins only: channels and institutions are named by the grains themselves, and the hot claim path
/// carries no extra request context.
/// </summary>
public static class ActingAdminContext
{
    public static IApplicationBuilder UseActingAdminContext(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.User.IsInRole(nameof(PrincipalRole.Admin)) && context.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } keyId)
        {
            ActingAdmin.Set(keyId);
        }

        return next(context);
    });
}
