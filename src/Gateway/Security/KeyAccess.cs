using System.Security.Claims;
using Vouchers.Contracts;

namespace Vouchers.Gateway.Security;

/// <summary>
/// Which keys an admin sees and manages. It sees the keys it could issue: those whose region lies within its own
/// (admin keys of its region and below, institution keys of institutions in its region, and, for the ministry,
/// channel keys). It revokes and rotates those too, except the keys of a peer, an admin of its very own region: it may
/// act on its own key and on a peer key it issued itself, but not on a peer key someone above issued, so that one
/// province's stolen key cannot lock the province's other admins out. The ministry, which has no level above it, acts
/// on every key.
/// </summary>
public static class KeyAccess
{
    public static bool CanSee(this ClaimsPrincipal user, KeyEntry key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return user.CanAdminister(key.RegionCode);
    }

    public static bool CanManage(this ClaimsPrincipal user, KeyEntry key)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!user.CanSee(key))
        {
            return false;
        }

        var region = user.ScopeOf();
        var me = user.FindFirstValue(ClaimTypes.NameIdentifier);
        return key.Role != PrincipalRole.Admin
            || region.Length == 0
            || key.Scope.Length > region.Length
            || key.KeyId == me
            || (key.IssuedBy is not null && key.IssuedBy == me);
    }
}
