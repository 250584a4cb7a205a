using System.Collections.Frozen;
using System.Reflection;

namespace Vouchers.Gateway.Regions;

/// <summary>
/// The names of China's administrative divisions by code (GB/T 2260: 2-digit provinces, 4-digit prefecture-level
/// divisions, 6-digit counties), read once from the embedded <c>Regions/divisions.tsv</c>, so statistics grouped by
/// region read as places rather than codes.
/// </summary>
public static class DivisionNames
{
    private static readonly Lazy<FrozenDictionary<string, string>> Names = new(Load);

    /// <summary>
    /// The division's name; a municipality's prefecture-level part (北京市 "市辖区") is named by its province. Null for
    /// a code the table does not know (a division created or renamed since, Hong Kong, Macao, Taiwan, "").
    /// </summary>
    public static string? Of(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        if (!Names.Value.TryGetValue(code, out var name))
        {
            return null;
        }

        return code.Length == 4 && name is "市辖区" or "县"
            ? Names.Value.GetValueOrDefault(code[..2]) ?? name
            : name;
    }

    private static FrozenDictionary<string, string> Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Regions/divisions.tsv")
            ?? throw new InvalidOperationException("The division table Regions/divisions.tsv is not embedded.");
        using var reader = new StreamReader(stream);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && line[0] != '#' && line.IndexOf('\t', StringComparison.Ordinal) is > 0 and var tab)
            {
                names[line[..tab]] = line[(tab + 1)..];
            }
        }

        return names.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
