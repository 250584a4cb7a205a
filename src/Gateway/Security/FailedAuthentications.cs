using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Vouchers.Domain;

namespace Vouchers.Gateway.Security;

/// <summary>Section "Security:FailedAuthentications": how many failed authentications a client address may make.</summary>
public sealed class FailedAuthenticationOptions
{
    public const string Section = "Security:FailedAuthentications";

    /// <summary>Failures allowed per client address per window; the requests after them are refused with 429 until the window ends.</summary>
    public int MaxFailures { get; set; } = 20;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Logs every failed authentication (API key or signature) with the key id it named, never a secret, and the client
/// address, and counts them per address in a fixed window: an address that failed <see cref="FailedAuthenticationOptions.MaxFailures"/>
/// times is refused by <see cref="FailedAuthenticationGuard"/> until its window ends. Counted per gateway, in memory.
/// IPv6 addresses count per /64, the block one subscriber usually holds.
/// </summary>
public sealed partial class FailedAuthentications(IOptions<FailedAuthenticationOptions> options, TimeProvider time, ILogger<FailedAuthentications> logger)
{
    /// <summary>Addresses tracked at most; beyond it, the expired ones are swept and new ones go uncounted until there is room.</summary>
    public const int MaxTrackedAddresses = 100_000;

    private readonly ConcurrentDictionary<UInt128, Window> windows = new();
    private readonly ConcurrentDictionary<UInt128, long> blockedUntil = new();
    private long lastSweepTicks = long.MinValue / 2;

    /// <summary>How long the address is still refused, or null when it may authenticate.</summary>
    public TimeSpan? RefusedFor(IPAddress? address)
    {
        if (blockedUntil.IsEmpty)
        {
            return null;
        }

        var key = KeyOf(address);
        if (!blockedUntil.TryGetValue(key, out var until))
        {
            return null;
        }

        var left = until - time.GetUtcNow().UtcTicks;
        if (left > 0)
        {
            return TimeSpan.FromTicks(left);
        }

        blockedUntil.TryRemove(new KeyValuePair<UInt128, long>(key, until));
        return null;
    }

    /// <summary>
    /// Logs a refused credential and counts it against the client address unless the refusal says it does not
    /// (<see cref="CredentialRefusal.CountsAsFailure"/>); <paramref name="keyId"/> is the key id it named (empty when
    /// none could be read).
    /// </summary>
    public void Record(HttpContext context, CredentialRefusal refusal, ReadOnlySpan<char> keyId)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(refusal);
        var address = context.Connection.RemoteIpAddress;
        var shownKeyId = keyId.IsEmpty ? "(none)" : Identifiers.IsValidSlug(keyId) ? keyId.ToString() : "(malformed)";
        LogFailed(shownKeyId, address?.ToString() ?? "(unknown)", refusal.Code);
        if (!refusal.CountsAsFailure)
        {
            return;
        }

        var o = options.Value;
        var now = time.GetUtcNow().UtcTicks;
        var key = KeyOf(address);
        if (!windows.TryGetValue(key, out var window))
        {
            if (windows.Count >= MaxTrackedAddresses)
            {
                Sweep(now);
                if (windows.Count >= MaxTrackedAddresses)
                {
                    return;
                }
            }

            window = windows.GetOrAdd(key, _ => new Window());
        }

        long? blockUntil = null;
        lock (window)
        {
            if (now >= window.EndsTicks)
            {
                window.EndsTicks = now + o.Window.Ticks;
                window.Failures = 0;
            }

            if (++window.Failures == o.MaxFailures)
            {
                blockUntil = window.EndsTicks;
            }
        }

        if (blockUntil is { } until)
        {
            blockedUntil[key] = until;
            LogBlocked(address?.ToString() ?? "(unknown)", o.MaxFailures, TimeSpan.FromTicks(until - now).TotalSeconds);
        }
    }

    /// <summary>At most once a second: drops the windows that ended, so the table holds only addresses failing lately.</summary>
    private void Sweep(long now)
    {
        var last = Interlocked.Read(ref lastSweepTicks);
        if (now - last < TimeSpan.TicksPerSecond || Interlocked.CompareExchange(ref lastSweepTicks, now, last) != last)
        {
            return;
        }

        foreach (var (key, window) in windows)
        {
            if (Volatile.Read(ref window.EndsTicks) <= now)
            {
                windows.TryRemove(new KeyValuePair<UInt128, Window>(key, window));
            }
        }
    }

    /// <summary>IPv4 (also IPv4-mapped IPv6) as itself, IPv6 by its /64 prefix, no address (a Unix socket, a test host) as one key.</summary>
    internal static UInt128 KeyOf(IPAddress? address)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (address is null || !address.TryWriteBytes(bytes, out var written))
        {
            return UInt128.MaxValue;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork || address.IsIPv4MappedToIPv6)
        {
            var v4 = written == 4 ? bytes[..4] : bytes.Slice(12, 4);
            return new UInt128(0, 0x1_0000_0000UL | System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(v4));
        }

        return new UInt128(System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes), 0);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Authentication failed: key id {KeyId}, client {ClientAddress}, {Reason}")]
    private partial void LogFailed(string keyId, string clientAddress, string reason);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Client {ClientAddress} failed to authenticate {Failures} times; its requests are refused for {Seconds:0} s")]
    private partial void LogBlocked(string clientAddress, int failures, double seconds);

    private sealed class Window
    {
        public long EndsTicks;
        public int Failures;
    }
}
