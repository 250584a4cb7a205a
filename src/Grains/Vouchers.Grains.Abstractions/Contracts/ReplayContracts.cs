namespace Vouchers.Contracts;

/// <summary>What the nonce store says about a signed request's nonce.</summary>
[GenerateSerializer, Alias("NonceVerdict")]
public enum NonceVerdict
{
    /// <summary>First seen: the request may go on.</summary>
    Accepted = 0,

    /// <summary>This key's requests used the nonce already within the window.</summary>
    Replayed = 1,

    /// <summary>The signing time lies outside the window of the grain's clock.</summary>
    OutsideWindow = 2,

    /// <summary>
    /// Signed before the nonce store recovered from an unclean end (a crashed silo): the lost activation may have
    /// accepted it. A request signed anew is accepted.
    /// </summary>
    SignedBeforeRecovery = 3,
}
