using System.Security.Claims;
using Vouchers.Contracts;

namespace Vouchers.Gateway.Security;

/// <summary>What an authenticated caller may touch.</summary>
public static class CallerClaims
{
    public const string Scope = "vouchers:scope";

    /// <summary>The admin's region prefix ("" for the ministry), or the channel's or institution's id.</summary>
    public static string ScopeOf(this ClaimsPrincipal user) => user.FindFirstValue(Scope) ?? throw new InvalidOperationException("The caller has no scope.");

    /// <summary>An admin acts on a region if the region code starts with the admin's prefix.</summary>
    public static bool CanAdminister(this ClaimsPrincipal user, string regionCode) =>
        regionCode.StartsWith(user.ScopeOf(), StringComparison.Ordinal);

    /// <summary>
    /// Whether an admin may read a registry entry (a training program, an institution) of <paramref name="regionCode"/>:
    /// when the admin administers that region, or when the entry serves a region that holds the admin's own (a
    /// province's program is there for its cities to use). A Guangzhou admin does not see a Shenzhen institution.
    /// </summary>
    public static bool CanSee(this ClaimsPrincipal user, string regionCode)
    {
        var scope = user.ScopeOf();
        return regionCode.StartsWith(scope, StringComparison.Ordinal) || scope.StartsWith(regionCode, StringComparison.Ordinal);
    }

    public static string PolicyFor(PrincipalRole role) => role.ToString();
}
