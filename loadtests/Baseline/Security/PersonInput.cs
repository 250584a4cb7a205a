using System.Security.Cryptography;
using System.Text;
using Vouchers.Baseline.Contracts;
using Vouchers.Baseline.Problems;
using Vouchers.Domain;

namespace Vouchers.Baseline.Security;

/// <summary>The gateway's person checks (ID number, name, attestation) and its keyed hash of the ID number.</summary>
public sealed class PersonInput
{
    public const int MaxNameLength = 50;
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    private readonly TimeProvider time;
    private readonly byte[] secret;
    private readonly TimeSpan attestationMaxAge;

    public PersonInput(TimeProvider time, IConfiguration configuration)
    {
        this.time = time;
        var configured = configuration["Security:PersonKeySecret"];
        if (string.IsNullOrWhiteSpace(configured) || configured.Length < 16)
        {
            throw new InvalidOperationException("Security:PersonKeySecret must be set to at least 16 characters.");
        }

        secret = Encoding.UTF8.GetBytes(configured);
        attestationMaxAge = configuration.GetValue("Security:AttestationMaxAge", TimeSpan.FromMinutes(5));
    }

    public ResidentIdNumber? IdNumber(string? value, Validation validation)
    {
        if (ResidentIdNumber.TryParse(value, ChinaTime.Today(time), out var id, out var error))
        {
            return id;
        }

        validation.Add("idNumber", error!);
        return null;
    }

    /// <summary>HMAC-SHA256 of the ID number, hex: the only form in which a person is stored.</summary>
    public string Key(ResidentIdNumber id)
    {
        Span<byte> hash = stackalloc byte[32];
        HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(id.Value), hash);
        return Convert.ToHexStringLower(hash);
    }

    public static string? Name(string? value, Validation validation)
    {
        var name = value?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength || name.Any(char.IsControl))
        {
            validation.Add("name", $"The name is required, at most {MaxNameLength} characters.");
            return null;
        }

        return name;
    }

    public void Attestation(AttestationRequest? attestation, Validation validation)
    {
        if (attestation is null)
        {
            validation.Add("attestation", "An identity attestation {method, verifiedAt} is required.");
            return;
        }

        if (attestation.Method is not ("face" or "password"))
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
        else if (now - at > attestationMaxAge)
        {
            validation.Add("attestation.verifiedAt", $"The identity check is older than {attestationMaxAge.TotalMinutes:0} minutes; check the person again.");
        }
    }
}
