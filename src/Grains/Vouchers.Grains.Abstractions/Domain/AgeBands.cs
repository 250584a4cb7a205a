namespace Vouchers.Domain;

/// <summary>The age bands statistics count people in (age on the claim day).</summary>
public static class AgeBands
{
    public static string Of(int age) => age switch
    {
        < 25 => "under-25",
        < 35 => "25-34",
        < 45 => "35-44",
        < 55 => "45-54",
        _ => "55-plus",
    };
}
