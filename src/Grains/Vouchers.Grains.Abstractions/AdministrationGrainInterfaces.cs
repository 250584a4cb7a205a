using System.Collections.Immutable;
using Vouchers.Contracts;

namespace Vouchers;

/// <summary>
/// The directory of credentials (API keys and channels' request-signing keys), one small line per key, and the one
/// way their lifecycle changes: issue, revoke, rotate. It writes each key's <see cref="IRegistryGrain{TEntry}"/> of
/// <see cref="Principal"/> (which authentication reads) and its own line, one command at a time, so that rules across
/// keys (a channel holds at most two active signing keys) hold. Key: "all". Keys number in the thousands (one or two
/// per institution, channel and admin), so the directory stays small, like the batch catalog.
/// </summary>
[Alias("IKeyDirectoryGrain")]
public interface IKeyDirectoryGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates the principal (stamped with the issue time) and its line; <see cref="KeyCommandStatus.AlreadyExists"/>
    /// when its key id is taken, <see cref="KeyCommandStatus.TooManySigningKeys"/> for a third active signing key.
    /// </summary>
    [Alias("Issue")] Task<KeyCommandResult> IssueAsync(Principal principal, string regionCode);

    /// <summary>
    /// Creates the principal unless its key id exists, and lists it (the demo seeding: idempotent, and it indexes a
    /// principal that was stored before the directory knew it).
    /// </summary>
    [Alias("Seed")] Task SeedAsync(Principal principal, string regionCode);

    [Alias("Get")] Task<KeyEntry?> GetAsync(string keyId);

    /// <summary>Every key, newest first.</summary>
    [Alias("List")] Task<ImmutableArray<KeyEntry>> ListAsync();

    /// <summary>Revokes the key, recording who and when; a key revoked already is answered as it is (idempotent).</summary>
    [Alias("Revoke")] Task<KeyCommandResult> RevokeAsync(string keyId, string revokedBy);

    /// <summary>
    /// Issues <paramref name="replacement"/> (same role, scope and kind) and gives the old key an expiry after
    /// <paramref name="grace"/> (zero: at once), never later than the expiry it had. A key rotated already answers
    /// <see cref="KeyCommandStatus.AlreadyExists"/> with its replacement's id, so a retried rotation mints no second key.
    /// </summary>
    [Alias("Rotate")] Task<KeyCommandResult> RotateAsync(string keyId, Principal replacement, TimeSpan grace);
}

/// <summary>
/// The way in and out of the audit trail, which lives in an audit store outside any grain's state. A stateless
/// worker: any silo takes the call. Key: 0.
/// </summary>
[Alias("IAuditTrailGrain")]
public interface IAuditTrailGrain : IGrainWithIntegerKey
{
    /// <summary>Stores the record and completes once it is durable (PostgreSQL: committed); fails when it could not be stored.</summary>
    [Alias("Append")] Task AppendAsync(AuditRecord record);

    /// <summary>One page of the records whose region starts with <paramref name="regionPrefix"/>, newest first.</summary>
    [Alias("Query")] Task<AuditPage> QueryAsync(string regionPrefix, AuditQuery query);
}

/// <summary>Where the one <see cref="IKeyDirectoryGrain"/> lives.</summary>
public static class KeyDirectory
{
    public const string Key = "all";
}
