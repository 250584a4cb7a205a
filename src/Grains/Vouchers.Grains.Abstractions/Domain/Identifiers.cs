using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Vouchers.Domain;

/// <summary>Identifier rules shared by the gateway's validation and the grains' guards.</summary>
public static partial class Identifiers
{
    /// <summary>Registry ids (programs, institutions, channels): lower-case letters, digits and hyphens, 2–64 long.</summary>
    public static bool IsValidSlug(string? id) => id is not null && SlugPattern().IsMatch(id);

    /// <summary>The same rule for characters that are not (yet) a string, e.g. a part of a header.</summary>
    public static bool IsValidSlug(ReadOnlySpan<char> id) => SlugPattern().IsMatch(id);

    /// <summary>Client request ids: 1–64 printable ASCII characters without spaces.</summary>
    public static bool IsValidRequestId(string? id) => id is not null && RequestIdPattern().IsMatch(id);

    /// <summary>Region codes and prefixes: 2, 4 or 6 digits (province, city, county).</summary>
    public static bool IsValidRegionPrefix(string? prefix) => prefix is not null && RegionPattern().IsMatch(prefix);

    /// <summary>A new random id with the given prefix, e.g. <c>b-7qk2m9xr4t1p</c>, which is also a valid slug.</summary>
    public static string NewId(string prefix)
    {
        const string alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
        Span<byte> random = stackalloc byte[12];
        RandomNumberGenerator.Fill(random);
        Span<char> chars = stackalloc char[12];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = alphabet[random[i] & 31];
        }

        return string.Concat(prefix, "-", new string(chars));
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,63}$")]
    private static partial Regex SlugPattern();

    [GeneratedRegex("^[\\x21-\\x7E]{1,64}$")]
    private static partial Regex RequestIdPattern();

    [GeneratedRegex("^([0-9]{2}){1,3}$")]
    private static partial Regex RegionPattern();
}
