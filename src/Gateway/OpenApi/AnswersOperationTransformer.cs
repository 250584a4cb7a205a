using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Vouchers.Contracts;
using Vouchers.Gateway.Endpoints;
using Vouchers.Gateway.Security;

namespace Vouchers.Gateway.OpenApi;

/// <summary>
/// The one place that declares what routes answer in common, from their endpoint metadata: 401, 403 and 429 behind a
/// key or signature; 400 with parameters or a body, 413 and 415 with a body; 404 with a path parameter; 503 everywhere
/// (a busy or unreachable cluster). Every error is <c>application/problem+json</c> with the shared
/// <see cref="ApiDocument.ProblemSchema"/>; the response headers the gateway sends are declared; the query filters
/// are typed; the binary and CSV answers carry their content type.
/// </summary>
public sealed class AnswersOperationTransformer : IOpenApiOperationTransformer
{
    private static readonly Dictionary<int, string> Descriptions = new()
    {
        [400] = "The request is not valid: `errors` names each bad field (`urn:vouchers:problem:validation`).",
        [401] = "No valid credential: `type` says why (`api-key-invalid`, `signature-required`, `signature-invalid`, `signature-expired`, " +
            "`signature-stale` — sign anew and retry —, `nonce-replayed`, `key-unknown`, `key-revoked`); `WWW-Authenticate` names the schemes.",
        [403] = "The caller may not do this: a route of another role, a resource outside its scope (`forbidden`), or a batch not offered " +
            "through this channel (`channel-not-enabled`).",
        [404] = "Not found, or not the caller's to see (`not-found`).",
        [409] = "The current state refuses the step: `type` says why (`already-claimed` with `voucherCode`, `sold-out`, " +
            "`batch-not-claimable`, `voucher-rejected` with `verdict` and `voucher`, `conflict`, `session-full`, …).",
        [413] = "The request body is too large.",
        [415] = "The request body must be `application/json` (UTF-8).",
        [422] = "The request is understood but a rule refuses it: `type` says which (`not-eligible`, `not-enrolled`, " +
            "`outside-session-window`, `outside-check-in-radius`).",
        [429] = "Too many failed look-ups or authentications from this caller (`too-many-failed-lookups`, `too-many-failed-authentications`); " +
            "retry after `Retry-After` seconds.",
        [503] = "The engine is busy or a part of it is unreachable (`unavailable`, `audit-unavailable`); nothing was done. " +
            "Retry after `Retry-After` seconds with the same request id.",
    };

    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var document = context.Document ?? throw new InvalidOperationException("The operation has no document.");
        ApiDocument.EnsureComponents(document);
        var description = context.Description;
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var hasBody = description.ParameterDescriptions.Any(p => p.Source == BindingSource.Body);
        var hasPath = description.ParameterDescriptions.Any(p => p.Source == BindingSource.Path);
        var hasQuery = description.ParameterDescriptions.Any(p => p.Source == BindingSource.Query);
        var readsDevice = metadata.OfType<Answers.DeviceIdMetadata>().Any();

        operation.Responses ??= [];
        var statuses = new SortedSet<int> { 503 };
        if (metadata.OfType<IAuthorizeData>().Any())
        {
            statuses.UnionWith([401, 403, 429]);
        }

        if (hasBody || hasPath || hasQuery || readsDevice)
        {
            statuses.Add(400);
        }

        if (hasBody)
        {
            statuses.UnionWith([413, 415]);
        }

        if (hasPath)
        {
            statuses.Add(404);
        }

        foreach (var key in operation.Responses.Keys.ToList())
        {
            if (int.TryParse(key, CultureInfo.InvariantCulture, out var status) && status >= 400)
            {
                statuses.Add(status);
            }
        }

        foreach (var status in statuses)
        {
            operation.Responses[status.ToString(CultureInfo.InvariantCulture)] = ProblemResponse(status, document);
        }

        var replays = metadata.OfType<Answers.ReplaysMetadata>().Any();
        foreach (var (key, response) in operation.Responses)
        {
            if (response is not OpenApiResponse concrete)
            {
                continue;
            }

            concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
            concrete.Headers[ApiDocument.CacheControlHeader] = new OpenApiHeaderReference(ApiDocument.CacheControlHeader, document);
            if (key == "201")
            {
                concrete.Headers[ApiDocument.LocationHeader] = new OpenApiHeaderReference(ApiDocument.LocationHeader, document);
            }

            if (replays && key.StartsWith('2'))
            {
                concrete.Headers[ApiDocument.ReplayedHeader] = new OpenApiHeaderReference(ApiDocument.ReplayedHeader, document);
            }

            TypeNonJsonContent(concrete);
        }

        if (operation.RequestBody is OpenApiRequestBody body && body.Required != true)
        {
            // An optional body: "absent" is said by required: false, so the schema is the object itself.
            foreach (var media in body.Content?.Values ?? [])
            {
                if (media.Schema is OpenApiSchema { OneOf: { Count: 2 } branches } && branches.FirstOrDefault(b => b is OpenApiSchemaReference) is { } reference)
                {
                    media.Schema = reference;
                }
            }
        }

        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            if (parameter.In == ParameterLocation.Query)
            {
                await TypeQueryParameterAsync(parameter, context, cancellationToken);
            }
        }

        if (readsDevice)
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = DeviceInput.HeaderName,
                In = ParameterLocation.Header,
                Required = false,
                Description = $"The scan gun or terminal that made the request (1 to {DeviceInput.MaxLength} printable ASCII characters), kept in the verification records.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = DeviceInput.MaxLength },
            });
        }

        operation.Security = SecurityOf(metadata, document, context.ApplicationServices);
        OpenApiExamples.Apply(operation, metadata,
            context.ApplicationServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions);
    }

    /// <summary>
    /// The credential the route takes, from its role policy: a channel's route a signature (or, in the zero-setup mode
    /// only, a channel's API key too), any other role's route an API key, a route without a policy none.
    /// </summary>
    private static List<OpenApiSecurityRequirement> SecurityOf(IList<object> metadata, OpenApiDocument document, IServiceProvider services)
    {
        var policies = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).ToList();
        if (policies.Count == 0)
        {
            return [];
        }

        OpenApiSecurityRequirement Scheme(string name) => new() { [new OpenApiSecuritySchemeReference(name, document)] = [] };
        if (!policies.Contains(CallerClaims.PolicyFor(PrincipalRole.Channel)))
        {
            return [Scheme(ApiKeyAuthenticationHandler.SchemeName)];
        }

        return services.GetRequiredService<Microsoft.Extensions.Options.IOptions<RequestSigningOptions>>().Value.AcceptChannelApiKeys
            ? [Scheme(SignatureAuthenticationHandler.SchemeName), Scheme(ApiKeyAuthenticationHandler.SchemeName)]
            : [Scheme(SignatureAuthenticationHandler.SchemeName)];
    }

    private static OpenApiResponse ProblemResponse(int status, OpenApiDocument document)
    {
        var response = new OpenApiResponse
        {
            Description = Descriptions.TryGetValue(status, out var text) ? text : "A problem (RFC 9457); `type` says which.",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                [ApiDocument.ProblemContentType] = new() { Schema = new OpenApiSchemaReference(ApiDocument.ProblemSchema, document) },
            },
            Headers = new Dictionary<string, IOpenApiHeader>(),
        };
        if (status is 429 or 503)
        {
            response.Headers[ApiDocument.RetryAfterHeader] = new OpenApiHeaderReference(ApiDocument.RetryAfterHeader, document);
        }

        if (status == 401)
        {
            response.Headers[ApiDocument.AuthenticateHeader] = new OpenApiHeaderReference(ApiDocument.AuthenticateHeader, document);
        }

        return response;
    }

    /// <summary>
    /// The PNG and the CSV are files: typed as binary so generated clients hand over the bytes (NSwag a FileResponse,
    /// Kiota a Stream) instead of dropping them or reading them as JSON.
    /// </summary>
    private static void TypeNonJsonContent(OpenApiResponse response)
    {
        foreach (var (contentType, media) in response.Content ?? new Dictionary<string, OpenApiMediaType>())
        {
            if (contentType.StartsWith("image/", StringComparison.Ordinal) || contentType.StartsWith("text/", StringComparison.Ordinal))
            {
                media.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
            }
        }
    }

    /// <summary>The query filters as the server reads them (<see cref="RecordQueryInput"/>, <see cref="AuditQueryInput"/>, <see cref="StatisticsQueryInput"/>).</summary>
    private static async Task TypeQueryParameterAsync(OpenApiParameter parameter, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        switch (parameter.Name)
        {
            case "limit":
                parameter.Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Integer,
                    Format = "int32",
                    Minimum = "1",
                    Maximum = RecordQueryInput.MaxLimit.ToString(CultureInfo.InvariantCulture),
                    Default = JsonValue.Create(RecordQuery.DefaultLimit),
                };
                parameter.Description = $"The page size, 1 to {RecordQueryInput.MaxLimit} (default {RecordQuery.DefaultLimit}).";
                break;
            case "from" or "to":
                parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" };
                parameter.Description = parameter.Name == "from"
                    ? "Start of the period (inclusive): an ISO 8601 instant with its offset, or a date (yyyy-MM-dd, a China-time day, from its start)."
                    : "End of the period (exclusive): an ISO 8601 instant with its offset, or a date (yyyy-MM-dd, a China-time day, included).";
                break;
            case "cursor":
                parameter.Description = "The `nextCursor` of the previous page, unchanged; absent for the first page.";
                break;
            case "result":
                parameter.Schema = await context.GetOrCreateSchemaAsync(typeof(VerifyVerdict), null, cancellationToken);
                parameter.Description = "Only records with this verdict.";
                break;
            case "kind":
                parameter.Schema = await context.GetOrCreateSchemaAsync(typeof(RecordKind), null, cancellationToken);
                parameter.Description = "Only verifications or only uses.";
                break;
            case "action":
                parameter.Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Enum = [.. AuditActions.All.Order(StringComparer.Ordinal).Select(a => (JsonNode)JsonValue.Create(a))],
                };
                parameter.Description = "Only records of this action.";
                break;
            case "groupBy":
                parameter.Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Enum = [.. StatisticsQueryInput.Dimensions.Select(d => (JsonNode)JsonValue.Create(d))],
                    Default = JsonValue.Create(StatisticsQueryInput.NameOf(StatisticsDimension.None)),
                };
                parameter.Description = "What the rows are grouped by: the claimant's province, city or county (division code), age band, gender or target group; the batch, program, funding source, claim channel or institution; the China day, or the hour or minute (batch filters only).";
                break;
            case "region":
                parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^([0-9]{2}){1,3}$" };
                parameter.Description = "Only claimants whose 6-digit division code starts with this (province 2, city 4, county 6 digits).";
                break;
            default:
                break;
        }
    }
}
