using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Vouchers.Http.Problems;

/// <summary>Collects field errors (keyed by the JSON path of the field) into one 400 validation problem.</summary>
public sealed class Validation
{
    // Made at the first error: most requests have none, and the verify route runs thousands of times a second.
    private Dictionary<string, List<string>>? errors;

    public bool IsValid => errors is null;

    public Validation Add(string field, string message)
    {
        errors ??= new Dictionary<string, List<string>>(StringComparer.Ordinal);
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

    /// <summary>Adds an error when the value is missing and returns the value.</summary>
    public T? Required<T>(T? value, string field)
    {
        if (value is null || (value is string s && string.IsNullOrWhiteSpace(s)))
        {
            Add(field, "The field is required.");
        }

        return value;
    }

    public ValidationProblem ToProblem() =>
        TypedResults.ValidationProblem((errors ?? []).ToDictionary(e => e.Key, e => e.Value.ToArray()), title: "The request is not valid.", type: ProblemTypes.Validation);

    public static ValidationProblem Single(string field, string message) => new Validation().Add(field, message).ToProblem();
}
