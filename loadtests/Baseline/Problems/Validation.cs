using Microsoft.AspNetCore.Http.HttpResults;

namespace Vouchers.Baseline.Problems;

/// <summary>Collects field errors (keyed by the JSON path of the field) into one 400 validation problem.</summary>
public sealed class Validation
{
    private readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);

    public bool IsValid => errors.Count == 0;

    public Validation Add(string field, string message)
    {
        if (!errors.TryGetValue(field, out var list))
        {
            errors[field] = list = [];
        }

        list.Add(message);
        return this;
    }

    public Validation AddAll(IReadOnlyDictionary<string, string[]> more)
    {
        foreach (var (field, messages) in more)
        {
            foreach (var message in messages)
            {
                Add(field, message);
            }
        }

        return this;
    }

    public T? Required<T>(T? value, string field)
    {
        if (value is null || (value is string s && string.IsNullOrWhiteSpace(s)))
        {
            Add(field, "The field is required.");
        }

        return value;
    }

    public ValidationProblem ToProblem() =>
        TypedResults.ValidationProblem(errors.ToDictionary(e => e.Key, e => e.Value.ToArray()), title: "The request is not valid.", type: ProblemTypes.Validation);

    public static ValidationProblem Single(string field, string message) => new Validation().Add(field, message).ToProblem();
}
