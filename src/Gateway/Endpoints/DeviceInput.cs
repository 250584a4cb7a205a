using System.Text.RegularExpressions;
using Vouchers.Http.Problems;

namespace Vouchers.Gateway.Endpoints;

/// <summary>The optional <c>X-Device-Id</c> header: which scan gun or terminal made the request, for the records.</summary>
public static partial class DeviceInput
{
    public const string HeaderName = "X-Device-Id";
    public const int MaxLength = 64;

    /// <summary>The device id, null when the header is absent; an error naming the header when it is not 1–64 printable characters.</summary>
    public static string? Parse(HttpRequest request, Validation validation)
    {
        if (!request.Headers.TryGetValue(HeaderName, out var values))
        {
            return null;
        }

        if (values.Count == 1 && values[0] is { } value && DevicePattern().IsMatch(value))
        {
            return value;
        }

        validation.Add(HeaderName, $"The device id has 1 to {MaxLength} printable ASCII characters (once).");
        return null;
    }

    // Printable ASCII, inner spaces allowed, none at either end.
    [GeneratedRegex("^[\\x21-\\x7E](?:[\\x20-\\x7E]{0,62}[\\x21-\\x7E])?$")]
    private static partial Regex DevicePattern();
}
