namespace Vouchers.Testing.Gateway;

/// <summary>A person as a channel knows them: the raw ID number and the full name (both must stay out of responses).</summary>
public sealed record TestPerson(string IdNumber, string Name)
{
    private static int next;

    /// <summary>A new adult from Shenzhen, unlike anyone else of this test run.</summary>
    public static TestPerson New() =>
        new(IdNumbers.New(), $"欧阳测试{(char)('甲' + (Interlocked.Increment(ref next) % 10))}");

    /// <summary>
    /// Person <paramref name="n"/> of a numbered crowd: an adult from Shenzhen who is the same person whenever the same
    /// number is asked for, so that a request can be sent again (after a crash) on behalf of the same person.
    /// </summary>
    public static TestPerson Number(int n) =>
        new(IdNumbers.Build("440304", new DateOnly(1990, 1, 1).AddDays(n / 900), (n % 900) + 100), $"测试{n}");
}
