namespace Vouchers.Domain;

/// <summary>The age bands statistics count people in (age on the claim day).</summary>
public static class AgeBands
{
    /// <summary>Every band, youngest first, as the API names them.</summary>
    public static IReadOnlyList<string> All { get; } = ["under-25", "25-34", "35-44", "45-54", "55-plus"];

    public static string Of(int age) => age switch
    {
        < 25 => "under-25",
        < 35 => "25-34",
        < 45 => "35-44",
        < 55 => "45-54",
        _ => "55-plus",
    };
}
