using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Vouchers.Gateway.OpenApi;

/// <summary>
/// Makes the generated schemas say what the wire carries and what the server enforces:
/// <list type="bullet">
/// <item>every enum is a string (the API writes enums as camelCase strings); a nullable enum is
/// <c>oneOf [null, Enum]</c> with no <c>null</c> inside the enum itself, so a JSON null matches exactly one branch;</item>
/// <item>a property marked <see cref="AllowedValuesAttribute"/> lists its values as an enum;</item>
/// <item>a property marked <see cref="RequiredAttribute"/> (the request fields whose absence the handler answers with a
/// 400 naming them) is required and never null; any other property of a request contract is optional.</item>
/// </list>
/// The check itself stays in the handlers (<c>Validation</c>); the attribute only documents it, since minimal APIs run no
/// data-annotation validation here.
/// </summary>
public sealed class ContractSchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
        if (type == typeof(System.Text.Json.JsonElement))
        {
            // Free-form JSON in this API is always an object (the audit trail's before and after).
            schema.Type = JsonSchemaType.Object;
        }
        else if (type.IsEnum)
        {
            schema.Type = JsonSchemaType.String;
            if (schema.Enum is { } values)
            {
                schema.Enum = [.. values.Where(v => v is not null && v.GetValueKind() != System.Text.Json.JsonValueKind.Null)];
            }
        }
        else if (context.JsonTypeInfo.Kind == JsonTypeInfoKind.Object && schema.Properties is { Count: > 0 } properties && IsRequestContract(type))
        {
            schema.Required = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in context.JsonTypeInfo.Properties)
            {
                if (property.AttributeProvider is not MemberInfo member || !properties.TryGetValue(property.Name, out var propertySchema))
                {
                    continue;
                }

                if (member.GetCustomAttribute<AllowedValuesAttribute>() is { } allowed && propertySchema is OpenApiSchema concrete)
                {
                    concrete.Enum = [.. allowed.Values.Select(v => (JsonNode)JsonValue.Create(v?.ToString() ?? ""))];
                }

                if (member.IsDefined(typeof(RequiredAttribute), inherit: true))
                {
                    schema.Required.Add(property.Name);
                    properties[property.Name] = WithoutNull(propertySchema);
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>The bodies callers send: the HTTP request contracts (<c>…Request</c>, <c>…Body</c>, <c>ReviewDecision</c>).</summary>
    private static bool IsRequestContract(Type type) =>
        type.Assembly == typeof(Http.Contracts.ClaimBody).Assembly
        && (type.Name.EndsWith("Request", StringComparison.Ordinal) || type.Name.EndsWith("Body", StringComparison.Ordinal)
            || type == typeof(Http.Contracts.ReviewDecision));

    private const string NullablePropertyMark = "x-is-nullable-property";

    private static IOpenApiSchema WithoutNull(IOpenApiSchema schema)
    {
        if (schema is OpenApiSchema { OneOf: { Count: > 0 } branches } && branches.FirstOrDefault(b => b is OpenApiSchemaReference) is { } reference
            && branches.All(b => b == reference || b.Type == JsonSchemaType.Null))
        {
            return reference;
        }

        if (schema is OpenApiSchema concrete)
        {
            if (concrete.Type is { } t)
            {
                concrete.Type = t & ~JsonSchemaType.Null;
            }

            // A property whose type becomes a component is wrapped into oneOf [null, $ref] later when this mark is set.
            concrete.Metadata?.Remove(NullablePropertyMark);
        }

        return schema;
    }
}
