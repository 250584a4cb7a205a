namespace Vouchers.Contracts;

/// <summary>
/// The key id of the admin on whose request grains change state, carried with every grain call that request makes
/// (Orleans's request context, so a disbursement's redemptions know it too), for the events of those changes.
/// The gateway sets it for admin requests only; "" when a change was not asked for by an admin.
/// </summary>
public static class ActingAdmin
{
    private const string Key = "vouchers.acting-admin";

    public static void Set(string keyId) => RequestContext.Set(Key, keyId);

    public static string Current => RequestContext.Get(Key) as string ?? "";
}
