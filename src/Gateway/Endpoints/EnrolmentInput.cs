using Vouchers.Domain;
using Vouchers.Http.Problems;

namespace Vouchers.Gateway.Endpoints;

/// <summary>The course and class a holder enrols in with a use; both optional.</summary>
public static class EnrolmentInput
{
    public static (string? CourseId, string? ClassId) Parse(string? courseId, string? classId, Validation validation) =>
        (Slug(courseId, "courseId", validation), Slug(classId, "classId", validation));

    private static string? Slug(string? value, string field, Validation validation)
    {
        if (value is null || Identifiers.IsValidSlug(value))
        {
            return value;
        }

        validation.Add(field, "An id has 2 to 64 lower-case letters, digits and hyphens, starting with a letter or digit.");
        return null;
    }
}
