namespace Vouchers.Domain;

[GenerateSerializer, Alias("Gender")]
public enum Gender
{
    Female = 0,
    Male = 1,
}

/// <summary>What eligibility rules may know of a person: derived from the ID number, never the number itself.</summary>
[GenerateSerializer, Immutable, Alias("PersonProfile")]
public sealed record PersonProfile(
    [property: Id(0)] DateOnly BirthDate,
    [property: Id(1)] string RegionCode,
    [property: Id(2)] Gender Gender)
{
    /// <summary>Age in whole years on <paramref name="day"/>.</summary>
    public int AgeOn(DateOnly day)
    {
        var age = day.Year - BirthDate.Year;
        if (day < BirthDate.AddYears(age))
        {
            age--;
        }

        return age;
    }
}
