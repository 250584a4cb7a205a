using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Vouchers.Domain;
using Vouchers.Http.Problems;

namespace Vouchers.Http.Persons;

/// <summary>The channel's word that it checked the person itself (本人): by face or by password, at a time.</summary>
public sealed record AttestationRequest(
    [property: Required, AllowedValues(AttestationRequest.Face, AttestationRequest.Password)] string? Method,
    [property: Required] DateTimeOffset? VerifiedAt)
{
    public const string Face = "face";
    public const string Password = "password";

    /// <summary>
    /// The method as the API spells it, read regardless of case (a client generated with System.Text.Json writes an
    /// enum by its C# name, "Face"); null when it is neither.
    /// </summary>
    public string? KnownMethod() =>
        string.Equals(Method, Face, StringComparison.OrdinalIgnoreCase) ? Face
        : string.Equals(Method, Password, StringComparison.OrdinalIgnoreCase) ? Password
        : null;
}

/// <summary>Checks the person fields that several channel requests share.</summary>
public sealed class PersonInput(TimeProvider time, PersonKeys keys, IOptions<VoucherSecurityOptions> security)
{
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    public const int MaxNameLength = 50;

    /// <summary>Parses the ID number; on failure adds an error for <paramref name="field"/> and returns null.</summary>
    public ResidentIdNumber? IdNumber(string? value, Validation validation, string field = "idNumber")
    {
        if (ResidentIdNumber.TryParse(value, ChinaTime.Today(time), out var id, out var error))
        {
            return id;
        }

        validation.Add(field, error!);
        return null;
    }

    public string Key(ResidentIdNumber id) => keys.For(id);

    /// <summary>
    /// The person a channel acts for after the claim (wallet, QR, return, online use, check-in): their ID number and
    /// the channel's fresh check of that person in the same request. Each failure is added to
    /// <paramref name="validation"/>, naming its field; null unless the validation holds no error at all.
    /// </summary>
    public ResidentIdNumber? Holder(string? idNumber, AttestationRequest? attestation, Validation validation)
    {
        var id = IdNumber(idNumber, validation);
        Attestation(attestation, validation);
        return validation.IsValid ? id : null;
    }

    public string? Name(string? value, Validation validation)
    {
        var name = DisplayText.Check(value, MaxNameLength, out var error);
        if (name is null)
        {
            validation.Add("name", error!);
        }

        return name;
    }

    /// <summary>The channel must have checked the person by face or password within the last few minutes.</summary>
    public void Attestation(AttestationRequest? attestation, Validation validation)
    {
        if (attestation is null)
        {
            validation.Add("attestation", "An identity attestation {method, verifiedAt} is required.");
            return;
        }

        if (attestation.KnownMethod() is null)
        {
            validation.Add("attestation.method", "The method must be 'face' or 'password'.");
        }

        var now = time.GetUtcNow();
        if (attestation.VerifiedAt is not { } at)
        {
            validation.Add("attestation.verifiedAt", "The time of the identity check is required.");
        }
        else if (at > now + ClockSkew)
        {
            validation.Add("attestation.verifiedAt", "The identity check lies in the future.");
        }
        else if (now - at > security.Value.AttestationMaxAge)
        {
            validation.Add("attestation.verifiedAt", $"The identity check is older than {security.Value.AttestationMaxAge.TotalMinutes:0} minutes; check the person again.");
        }
    }
}
