using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Grains.Storage;

namespace Vouchers.Grains.Keys;

[GenerateSerializer]
public sealed class KeyDirectoryState
{
    [Id(0)] public Dictionary<string, KeyEntry> Keys { get; set; } = [];
}

/// <summary>
/// The key directory: one line per credential and every change of a credential's lifecycle. Not reentrant, so its
/// commands run one at a time and the count of a channel's active signing keys cannot be raced past.
/// </summary>
/// <remarks>
/// A command writes the principal (what authentication reads) first and its line second. A principal whose line was
/// not written is harmless: a new key's secret and id were never answered, and a revoked or rotated one is found
/// revoked or rotated by a retry, which then writes the line from the principal. When writing the line fails, the
/// grain deactivates, so that its next activation reads its lines from storage rather than trusting memory.
/// </remarks>
internal sealed partial class KeyDirectoryGrain(
    [PersistentState("keys", StorageNames.Vouchers)] IPersistentState<KeyDirectoryState> state,
    TimeProvider time,
    ILogger<KeyDirectoryGrain> logger) : Grain, IKeyDirectoryGrain
{
    private Dictionary<string, KeyEntry> Keys => state.State.Keys;

    public async Task<KeyCommandResult> IssueAsync(Principal principal, string regionCode)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var now = time.GetUtcNow();
        if (Check(principal, now) is { } refused)
        {
            return refused;
        }

        if (Keys.ContainsKey(principal.KeyId))
        {
            return new(KeyCommandStatus.AlreadyExists, Detail: "A key with this id exists already.");
        }

        var issued = principal with { IssuedAt = now, RevokedAt = null, RevokedBy = null, ReplacedBy = null };
        if (!await Registry(issued.KeyId).CreateAsync(issued))
        {
            return new(KeyCommandStatus.AlreadyExists, Detail: "A key with this id exists already.");
        }

        var line = KeyEntry.Of(issued, regionCode);
        Keys[line.KeyId] = line;
        await WriteAsync();
        LogIssued(line.KeyId, line.Role, line.Kind, line.IssuedBy);
        return new(KeyCommandStatus.Done, line);
    }

    public async Task SeedAsync(Principal principal, string regionCode)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var registry = Registry(principal.KeyId);
        var stored = await registry.GetAsync();
        if (stored is null && !await registry.CreateAsync(principal))
        {
            stored = await registry.GetAsync();
        }

        var line = KeyEntry.Of(stored ?? principal, regionCode);
        if (Keys.TryGetValue(line.KeyId, out var known) && known == line)
        {
            return;
        }

        Keys[line.KeyId] = line;
        await WriteAsync();
    }

    public Task<KeyEntry?> GetAsync(string keyId) => Task.FromResult(Keys.GetValueOrDefault(keyId));

    public Task<ImmutableArray<KeyEntry>> ListAsync() =>
        Task.FromResult(Keys.Values
            .OrderByDescending(k => k.IssuedAt ?? DateTimeOffset.MinValue)
            .ThenBy(k => k.KeyId, StringComparer.Ordinal)
            .ToImmutableArray());

    public async Task<KeyCommandResult> RevokeAsync(string keyId, string revokedBy)
    {
        if (!Keys.TryGetValue(keyId, out var line))
        {
            return new(KeyCommandStatus.NotFound);
        }

        var registry = Registry(keyId);
        if (await registry.GetAsync() is not { } current)
        {
            return new(KeyCommandStatus.NotFound);
        }

        var revoked = current;
        if (current.RevokedAt is null)
        {
            revoked = current with { RevokedAt = time.GetUtcNow(), RevokedBy = revokedBy };
            if (!await registry.ReplaceAsync(current, revoked))
            {
                throw new InvalidOperationException($"Principal {keyId} changed outside the key directory.");
            }

            LogRevoked(keyId, revokedBy);
        }

        var updated = KeyEntry.Of(revoked, line.RegionCode);
        if (updated != line)
        {
            Keys[keyId] = updated;
            await WriteAsync();
        }

        return new(KeyCommandStatus.Done, updated);
    }

    public async Task<KeyCommandResult> RotateAsync(string keyId, Principal replacement, TimeSpan grace)
    {
        ArgumentNullException.ThrowIfNull(replacement);
        var now = time.GetUtcNow();
        if (!Keys.TryGetValue(keyId, out var line))
        {
            return new(KeyCommandStatus.NotFound);
        }

        var registry = Registry(keyId);
        if (await registry.GetAsync() is not { } current)
        {
            return new(KeyCommandStatus.NotFound);
        }

        if (current.ReplacedBy is { } successor)
        {
            return new(KeyCommandStatus.AlreadyExists, line, Keys.GetValueOrDefault(successor),
                $"The key was rotated already, to {successor}; revoke that key and issue a new one if its secret was lost.");
        }

        if (!current.IsActiveAt(now))
        {
            return new(KeyCommandStatus.NotActive, line, Detail: "The key is revoked or expired: issue a new key instead.");
        }

        if (grace < TimeSpan.Zero || grace > TimeSpan.FromHours(KeyRules.MaxGraceHours))
        {
            return Invalid("graceHours", $"The grace is 0 to {KeyRules.MaxGraceHours} hours.");
        }

        if (replacement.Role != current.Role || replacement.Scope != current.Scope || replacement.Kind != current.Kind)
        {
            throw new ArgumentException("A rotation keeps the key's role, scope and kind.", nameof(replacement));
        }

        if (Check(replacement, now, retiring: grace == TimeSpan.Zero ? keyId : null) is { } refused)
        {
            return refused;
        }

        if (Keys.ContainsKey(replacement.KeyId))
        {
            return new(KeyCommandStatus.AlreadyExists, Detail: "A key with this id exists already.");
        }

        var issued = replacement with { IssuedAt = now, RevokedAt = null, RevokedBy = null, ReplacedBy = null };
        if (!await Registry(issued.KeyId).CreateAsync(issued))
        {
            return new(KeyCommandStatus.AlreadyExists, Detail: "A key with this id exists already.");
        }

        var retired = current with { ExpiresAt = KeyRules.ExpiryAfterRotation(current.ExpiresAt, now, grace), ReplacedBy = issued.KeyId };
        if (!await registry.ReplaceAsync(current, retired))
        {
            throw new InvalidOperationException($"Principal {keyId} changed outside the key directory.");
        }

        var issuedLine = KeyEntry.Of(issued, line.RegionCode);
        var retiredLine = KeyEntry.Of(retired, line.RegionCode);
        Keys[issuedLine.KeyId] = issuedLine;
        Keys[keyId] = retiredLine;
        await WriteAsync();
        LogRotated(keyId, issuedLine.KeyId, retired.ExpiresAt!.Value, issued.IssuedBy);
        return new(KeyCommandStatus.Done, retiredLine, issuedLine);
    }

    /// <summary>The rules a new key must meet at <paramref name="now"/>; <paramref name="retiring"/> is a key that stops at once.</summary>
    private KeyCommandResult? Check(Principal principal, DateTimeOffset now, string? retiring = null)
    {
        if (KeyRules.ExpiryProblem(principal.ExpiresAt, now) is { } problem)
        {
            return Invalid("expiresAt", problem);
        }

        if (principal.Kind != CredentialKind.SigningKey)
        {
            return null;
        }

        if (principal.Role != PrincipalRole.Channel)
        {
            return Invalid("kind", "Only channels sign requests.");
        }

        var active = Keys.Values.Count(k => k.Kind == CredentialKind.SigningKey && k.Role == PrincipalRole.Channel
            && k.Scope == principal.Scope && k.KeyId != retiring && k.IsActiveAt(now));
        return active >= KeyRules.MaxActiveSigningKeys
            ? new(KeyCommandStatus.TooManySigningKeys,
                Detail: $"Channel {principal.Scope} holds {active} active signing keys, the most it may: revoke one (or let it expire) first.")
            : null;
    }

    private static KeyCommandResult Invalid(string field, string detail) => new(KeyCommandStatus.Invalid, Detail: detail, Field: field);

    private IRegistryGrain<Principal> Registry(string keyId) => GrainFactory.Grain<IRegistryGrain<Principal>>(keyId);

    private async Task WriteAsync()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // The lines in memory may now be ahead of storage: start again from storage.
            DeactivateOnIdle();
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Key {KeyId} issued ({Role}, {Kind}) by {IssuedBy}")]
    private partial void LogIssued(string keyId, PrincipalRole role, CredentialKind kind, string? issuedBy);

    [LoggerMessage(Level = LogLevel.Information, Message = "Key {KeyId} revoked by {RevokedBy}")]
    private partial void LogRevoked(string keyId, string revokedBy);

    [LoggerMessage(Level = LogLevel.Information, Message = "Key {KeyId} rotated to {Replacement} by {IssuedBy}; it expires at {ExpiresAt}")]
    private partial void LogRotated(string keyId, string replacement, DateTimeOffset expiresAt, string? issuedBy);
}
