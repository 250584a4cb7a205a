using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Vouchers.Gateway.Security;

namespace Vouchers.Gateway.OpenApi;

/// <summary>Declares the X-Api-Key scheme in the OpenAPI document so the API reference can send it.</summary>
public sealed class ApiKeyDocumentTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "Training-voucher engine API";
        document.Info.Description = "Electronic vocational-skills training vouchers on the e-SSC platform. Every /api/v1 route needs an X-Api-Key.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiKeyAuthenticationHandler.SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiKeys.HeaderName,
            Description = "A key of the form {keyId}.{secret}.",
        };
        document.Security ??= [];
        document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyAuthenticationHandler.SchemeName, document)] = [] });
        return Task.CompletedTask;
    }
}
