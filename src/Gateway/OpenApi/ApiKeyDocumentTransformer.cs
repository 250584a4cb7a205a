using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Vouchers.Gateway.Security;

namespace Vouchers.Gateway.OpenApi;

/// <summary>
/// Declares the X-Api-Key scheme in the OpenAPI document so the API reference can send it, and the channels' request
/// signature (which a browser reference cannot compute; docs/API.md shows how).
/// </summary>
public sealed class ApiKeyDocumentTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "Training-voucher engine API";
        document.Info.Description = "Electronic vocational-skills training vouchers on the e-SSC platform. Admins and institutions send an X-Api-Key; channels sign every request (Authorization: VOUCHERS-HMAC-SHA256, see docs/API.md).";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiKeyAuthenticationHandler.SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiKeys.HeaderName,
            Description = "A key of the form {keyId}.{secret}.",
        };
        document.Components.SecuritySchemes[SignatureAuthenticationHandler.SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = "Authorization",
            Description = "Channels: VOUCHERS-HMAC-SHA256 keyId=\"…\",timestamp=\"…\",nonce=\"…\",signature=\"…\", an HMAC-SHA256 of " +
                "METHOD\\nPATH_AND_QUERY\\nTIMESTAMP\\nNONCE\\nHEX_SHA256_OF_BODY\\n under the signing key's secret (docs/API.md).",
        };
        document.Security ??= [];
        document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyAuthenticationHandler.SchemeName, document)] = [] });
        document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SignatureAuthenticationHandler.SchemeName, document)] = [] });
        return Task.CompletedTask;
    }
}
