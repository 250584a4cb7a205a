using Microsoft.Extensions.DependencyInjection;
using Vouchers.Contracts;
using Vouchers.Grains.Replay;
using Vouchers.Grains.Storage;
using Vouchers.Grains.Tests.Infrastructure;
using Vouchers.Replay;

namespace Vouchers.Grains.Tests.Cluster;

/// <summary>
/// The nonce store of signed channel requests: a nonce once per window, forgotten after it, kept over a clean
/// deactivation, and, after an unclean end (a silo that died), nothing the lost activation may have accepted let in
/// again. These tests move the clock forward, so they share the expiry cluster.
/// </summary>
[Collection(ExpiryCluster.Name)]
public sealed class RequestNonceGrainTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    private long Now => fixture.Time.GetUtcNow().ToUnixTimeSeconds();

    private static IRequestNonceGrain NewGrain(ClusterFixture fixture) =>
        fixture.Client.GetGrain<IRequestNonceGrain>(RequestNonces.KeyOf("sign-" + Guid.NewGuid().ToString("N")[..12], 0));

    private static UInt128 NewNonce() => RequestNonces.Hash(Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task ANonceIsAcceptedOnceAndItsReplayIsRefused()
    {
        var grain = NewGrain(fixture);
        var nonce = NewNonce();
        var signedAt = Now;

        Assert.Equal(NonceVerdict.Accepted, await grain.AcceptAsync(nonce, signedAt, Window));
        Assert.Equal(NonceVerdict.Replayed, await grain.AcceptAsync(nonce, signedAt, Window));
        Assert.Equal(NonceVerdict.Replayed, await grain.AcceptAsync(nonce, signedAt + 1, Window));
        Assert.Equal(NonceVerdict.Accepted, await grain.AcceptAsync(NewNonce(), signedAt, Window));
    }

    [Fact]
    public async Task ANonceIsRememberedForTheWindowThenItsSigningTimeIsRefusedAndTheNonceForgotten()
    {
        var grain = NewGrain(fixture);
        var nonce = NewNonce();
        var signedAt = Now;
        Assert.Equal(NonceVerdict.Accepted, await grain.AcceptAsync(nonce, signedAt, Window));

        fixture.Time.Advance(Window - TimeSpan.FromSeconds(1));
        Assert.Equal(NonceVerdict.Replayed, await grain.AcceptAsync(nonce, signedAt, Window));

        fixture.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(NonceVerdict.OutsideWindow, await grain.AcceptAsync(nonce, signedAt, Window));
        // The entry was dropped: the nonce is free again for a request signed now (which only the key's holder can sign).
        Assert.Equal(NonceVerdict.Accepted, await grain.AcceptAsync(nonce, Now, Window));
    }

    [Fact]
    public async Task SigningTimesOutsideTheWindowOfTheGrainsClockAreRefused()
    {
        var grain = NewGrain(fixture);
        var window = (long)Window.TotalSeconds;

        Assert.Equal(NonceVerdict.OutsideWindow, await grain.AcceptAsync(NewNonce(), Now - window - 1, Window));
        Assert.Equal(NonceVerdict.OutsideWindow, await grain.AcceptAsync(NewNonce(), Now + window + 1, Window));
        Assert.Equal(NonceVerdict.Accepted, await grain.AcceptAsync(NewNonce(), Now - window, Window));
        Assert.Equal(NonceVerdict.Accepted, await grain.AcceptAsync(NewNonce(), Now + window, Window));
    }

    [Fact]
    public async Task NoncesSurviveACleanDeactivation()
    {
        var grain = NewGrain(fixture);
        var nonce = NewNonce();
        var signedAt = Now;
        Assert.Equal(NonceVerdict.Accepted, await grain.AcceptAsync(nonce, signedAt, Window));

        await fixture.Cluster.DeactivateAsync(grain);
        var stored = await ReadStateAsync(grain);
        Assert.True(stored.Clean);
        Assert.Equal(24, stored.Nonces.Length);

        Assert.Equal(NonceVerdict.Replayed, await grain.AcceptAsync(nonce, signedAt, Window));
        Assert.Equal(NonceVerdict.Accepted, await grain.AcceptAsync(NewNonce(), signedAt, Window));
    }

    [Fact]
    public async Task ALiveActivationLeavesAnUncleanStateWhoseHorizonCoversWhatItAccepted()
    {
        var grain = NewGrain(fixture);
        var signedAt = Now + 100; // a client whose clock runs ahead

        Assert.Equal(NonceVerdict.Accepted, await grain.AcceptAsync(NewNonce(), signedAt, Window));

        // What a crash right now would leave behind.
        var stored = await ReadStateAsync(grain);
        Assert.False(stored.Clean);
        Assert.True(stored.Horizon >= signedAt, $"horizon {stored.Horizon} < accepted signing time {signedAt}");
        Assert.Empty(stored.Nonces);

        // Requests signed up to the clock need no horizon (the successor's activation time covers them): no write.
        Assert.Equal(NonceVerdict.Accepted, await grain.AcceptAsync(NewNonce(), Now, Window));
        Assert.Equal(stored.Horizon, (await ReadStateAsync(grain)).Horizon);
    }

    [Fact]
    public async Task AfterAnUncleanEndRequestsSignedBeforeTheActivationAreRefusedForOneWindow()
    {
        var grain = NewGrain(fixture);
        await WriteStateAsync(grain, new RequestNonceState { Clean = false, Horizon = Now - 60 });
        var activatedAt = Now;

        // Possibly seen by the activation that died: refused, whatever the nonce.
        var seenBeforeTheCrash = NewNonce();
        Assert.Equal(NonceVerdict.SignedBeforeRecovery, await grain.AcceptAsync(seenBeforeTheCrash, activatedAt - 10, Window));
        Assert.Equal(NonceVerdict.SignedBeforeRecovery, await grain.AcceptAsync(NewNonce(), activatedAt - 1, Window));

        // Signed anew: accepted.
        Assert.Equal(NonceVerdict.Accepted, await grain.AcceptAsync(NewNonce(), activatedAt, Window));
        fixture.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(NonceVerdict.Accepted, await grain.AcceptAsync(NewNonce(), Now, Window));

        // A window later the old signing time is refused by the clock, and the rule survives another (clean) restart.
        Assert.Equal((await ReadStateAsync(grain)).RefuseSignedBefore, activatedAt);
        await fixture.Cluster.DeactivateAsync(grain);
        Assert.Equal(NonceVerdict.SignedBeforeRecovery, await grain.AcceptAsync(seenBeforeTheCrash, activatedAt - 10, Window));
        fixture.Time.Advance(Window);
        Assert.Equal(NonceVerdict.OutsideWindow, await grain.AcceptAsync(seenBeforeTheCrash, activatedAt - 10, Window));
    }

    [Fact]
    public async Task AfterAnUncleanEndRequestsSignedUpToTheLostActivationsHorizonAreRefused()
    {
        var grain = NewGrain(fixture);
        var horizon = Now + 120; // the lost activation had accepted a request signed up to two minutes ahead
        await WriteStateAsync(grain, new RequestNonceState { Clean = false, Horizon = horizon });

        Assert.Equal(NonceVerdict.SignedBeforeRecovery, await grain.AcceptAsync(NewNonce(), horizon, Window));
        Assert.Equal(NonceVerdict.SignedBeforeRecovery, await grain.AcceptAsync(NewNonce(), Now + 60, Window));
        Assert.Equal(NonceVerdict.Accepted, await grain.AcceptAsync(NewNonce(), horizon + 1, Window));
    }

    private Orleans.Storage.IGrainStorage Storage =>
        fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<Orleans.Storage.IGrainStorage>(StorageNames.Vouchers);

    /// <summary>What a crashed activation leaves: written straight into the grain storage before the grain activates.</summary>
    private Task WriteStateAsync(IRequestNonceGrain grain, RequestNonceState state) =>
        Storage.WriteStateAsync("nonces", grain.GetGrainId(), new GrainState<RequestNonceState>(state));

    private async Task<RequestNonceState> ReadStateAsync(IRequestNonceGrain grain)
    {
        var state = new GrainState<RequestNonceState>(new RequestNonceState());
        await Storage.ReadStateAsync("nonces", grain.GetGrainId(), state);
        Assert.True(state.RecordExists);
        return state.State!;
    }
}
