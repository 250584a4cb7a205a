using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Vouchers.Domain;

/// <summary>
/// Voucher codes: 16 Crockford base-32 characters of secret randomness (80 bits) followed by one
/// Luhn mod 32 check character, 17 characters in all. The check character catches every single mistyped
/// character and most swaps of neighbours before any lookup is made.
/// </summary>
public static class VoucherCode
{
    public const int DataLength = 16;
    public const int Length = DataLength + 1;
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>A new code from the operating system's cryptographic random number generator.</summary>
    public static string New()
    {
        Span<byte> random = stackalloc byte[DataLength];
        RandomNumberGenerator.Fill(random);
        Span<char> chars = stackalloc char[Length];
        for (var i = 0; i < DataLength; i++)
        {
            chars[i] = Alphabet[random[i] & 31];
        }

        chars[DataLength] = CheckCharacter(chars[..DataLength]);
        return new string(chars);
    }

    /// <summary>
    /// Upper-cases, drops spaces and hyphens and applies Crockford's readings (I and L read as 1, O as 0).
    /// Returns null when the input cannot be a code at all.
    /// </summary>
    public static string? Normalize(string? input)
    {
        if (string.IsNullOrWhiteSpace(input) || input.Length > 64)
        {
            return null;
        }

        Span<char> buffer = stackalloc char[input.Length];
        var n = 0;
        foreach (var raw in input)
        {
            if (raw is ' ' or '-')
            {
                continue;
            }

            var c = char.ToUpperInvariant(raw) switch
            {
                'I' or 'L' => '1',
                'O' => '0',
                var other => other,
            };
            buffer[n++] = c;
        }

        return n == 0 ? null : new string(buffer[..n]);
    }

    /// <summary>True when the (normalized) code has the right length, alphabet and check character.</summary>
    public static bool IsWellFormed(string? code) =>
        HasCodeShape(code) && CheckCharacter(code.AsSpan(0, DataLength)) == code[DataLength];

    /// <summary>True when the (normalized) code has the right length and alphabet, whatever its check character.</summary>
    public static bool HasCodeShape([NotNullWhen(true)] string? code)
    {
        if (code is null || code.Length != Length)
        {
            return false;
        }

        foreach (var c in code)
        {
            if (Alphabet.IndexOf(c, StringComparison.Ordinal) < 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A code of the right length and alphabet as a number (5 bits a character, 85 bits in all), for tables that keep
    /// many codes without a string each; false for anything else. <see cref="Unpack"/> gives the code back.
    /// </summary>
    public static bool TryPack(string? code, out UInt128 packed)
    {
        packed = UInt128.Zero;
        if (!HasCodeShape(code))
        {
            return false;
        }

        for (var i = 0; i < Length; i++)
        {
            packed |= (UInt128)(uint)Alphabet.IndexOf(code[i], StringComparison.Ordinal) << (5 * i);
        }

        return true;
    }

    /// <summary>The code <see cref="TryPack"/> packed.</summary>
    public static string Unpack(UInt128 packed) =>
        string.Create(Length, packed, static (chars, value) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = Alphabet[(int)(uint)((value >> (5 * i)) & 31)];
            }
        });

    /// <summary>Luhn mod N (N = 32) over the data characters.</summary>
    public static char CheckCharacter(ReadOnlySpan<char> data)
    {
        const int n = 32;
        var factor = 2;
        var sum = 0;
        for (var i = data.Length - 1; i >= 0; i--)
        {
            var addend = factor * Alphabet.IndexOf(data[i], StringComparison.Ordinal);
            factor = factor == 2 ? 1 : 2;
            sum += (addend / n) + (addend % n);
        }

        var remainder = sum % n;
        return Alphabet[(n - remainder) % n];
    }
}
