using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Vouchers.Gateway.Security;
using Vouchers.Http.Problems;
using Vouchers.Http.Results;

namespace Vouchers.Gateway.OpenApi;

/// <summary>
/// The document as a whole: title, the two credential schemes (X-Api-Key; the channels' request signature, which a
/// browser reference cannot compute), the configured server (<c>OpenApi:ServerUrl</c>, never the request's host), tag
/// descriptions, and the shared components: the problem-details schema every error uses and the response headers.
/// </summary>
public sealed class ApiDocument(IConfiguration configuration) : IOpenApiDocumentTransformer
{
    public const string DocumentName = "v1";
    public const string ServerUrlKey = "OpenApi:ServerUrl";
    public const string ProblemSchema = "Problem";
    public const string ProblemContentType = "application/problem+json";
    public const string CacheControlHeader = "Cache-Control";
    public const string LocationHeader = "Location";
    public const string RetryAfterHeader = "Retry-After";
    public const string AuthenticateHeader = "WWW-Authenticate";
    public const string ReplayedHeader = IdempotentReplay.Header;

    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["Admin: batches"] = "HR departments define voucher batches and steer them (activate, pause, close, add stock, targeted lists) within their region.",
        ["Admin: registries"] = "Training programs, institutions and e-SSC channels that batches name.",
        ["Admin: subsidies"] = "HR reviews institutions' subsidy applications and disburses, which redeems the vouchers.",
        ["Admin: API keys"] = "Issue, list, rotate and revoke the keys of admins, institutions and channels (and channels' signing keys).",
        ["Admin: audit trail"] = "Who changed what in the admin's region, as pages or CSV.",
        ["Admin: statistics"] = "Claims, uses, subsidies, redemptions and funds of the admin's batches, counted from the event stream and grouped by region, age band, gender, group, channel, institution, batch or time; JSON or CSV.",
        ["Channel"] = "e-SSC channels act for the person they have just checked: list offers, claim, wallet, QR code, return, online use. Every request is signed.",
        ["Channel: check-in"] = "People check in to class sessions from their phone, through their channel.",
        ["Institution"] = "Training institutions verify scanned codes, enrol holders, read their verification records and apply for subsidies.",
        ["Institution: check-in"] = "Institutions publish class sessions and read who attended.",
    };

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "Training-voucher engine API";
        document.Info.Description = "Electronic vocational-skills training vouchers on the e-SSC platform. Admins and institutions send an " +
            "X-Api-Key; channels sign every request (Authorization: VOUCHERS-HMAC-SHA256, see docs/API.md). Every error is problem " +
            "details (RFC 9457, `application/problem+json`): switch on its `type`, never on `title` or `detail`.";

        // Never the request's host: a document fetched through a proxy or a test host would name that.
        document.Servers = configuration[ServerUrlKey] is { Length: > 0 } url
            ? [new OpenApiServer { Url = url.TrimEnd('/'), Description = "This deployment." }]
            : [];

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiKeyAuthenticationHandler.SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiKeys.HeaderName,
            Description = "Admins and institutions: a key of the form {keyId}.{secret}.",
        };
        document.Components.SecuritySchemes[SignatureAuthenticationHandler.SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = "Authorization",
            Description = "Channels: VOUCHERS-HMAC-SHA256 keyId=\"…\",timestamp=\"…\",nonce=\"…\",signature=\"…\", an HMAC-SHA256 of " +
                "METHOD\\nPATH_AND_QUERY\\nTIMESTAMP\\nNONCE\\nHEX_SHA256_OF_BODY\\n under the signing key's secret (docs/INTEGRATING.md).",
        };
        // Each operation names the scheme its role takes (AnswersOperationTransformer).

        document.Tags ??= new HashSet<OpenApiTag>();
        foreach (var tag in document.Tags)
        {
            tag.Description ??= TagDescriptions.GetValueOrDefault(tag.Name ?? "");
        }

        EnsureComponents(document);
        // Every problem answer refers to the one Problem schema; the framework's own problem schemas are left unused.
        document.Components.Schemas?.Remove("HttpValidationProblemDetails");
        document.Components.Schemas?.Remove("ProblemDetails");
        return Task.CompletedTask;
    }

    /// <summary>Adds the shared problem schema and response headers once; the operation transformer refers to them.</summary>
    public static void EnsureComponents(OpenApiDocument document)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Headers ??= new Dictionary<string, IOpenApiHeader>();
        document.Components.Schemas.TryAdd(ProblemSchema, Problem(document));
        document.Components.Headers.TryAdd(CacheControlHeader, Header("`no-store` on every API answer: answers are personal and change.", JsonSchemaType.String));
        document.Components.Headers.TryAdd(LocationHeader, Header("The path of the created resource (when it has one).", JsonSchemaType.String));
        document.Components.Headers.TryAdd(RetryAfterHeader, Header("Seconds to wait before retrying.", JsonSchemaType.Integer));
        document.Components.Headers.TryAdd(AuthenticateHeader, Header("The credential schemes the API accepts, with the refusal's reason.", JsonSchemaType.String));
        document.Components.Headers.TryAdd(ReplayedHeader, Header(
            "`true` when the request id was seen before: this is the first result again and nothing changed.", JsonSchemaType.String));
    }

    private static OpenApiHeader Header(string description, JsonSchemaType type) =>
        new() { Description = description, Schema = new OpenApiSchema { Type = type } };

    private static OpenApiSchema Problem(OpenApiDocument document)
    {
        static OpenApiSchema Text(string description, JsonSchemaType type = JsonSchemaType.String) => new() { Type = type, Description = description };
        static OpenApiSchema Nullable(IOpenApiSchema schema, string description) =>
            new() { OneOf = [new OpenApiSchema { Type = JsonSchemaType.Null }, schema], Description = description };

        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "Problem details (RFC 9457) with this API's extensions. Clients switch on `type`; the problem types are: " +
                string.Join(", ", ProblemTypes.All.Select(t => $"`{t}`")) + ". Answers of the HTTP layer itself (an unknown route, " +
                "a wrong method) carry the RFC 9110 section link as `type`.",
            Required = new HashSet<string> { "status", "title" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Description = "What went wrong, one of the problem types listed above.",
                    Examples = [.. ProblemTypes.All.Take(3).Select(t => (JsonNode)JsonValue.Create(t))],
                },
                ["title"] = Text("A short human-readable summary (do not parse)."),
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "The HTTP status." },
                ["detail"] = Text("Human-readable detail (do not parse)."),
                ["instance"] = Text("The request path."),
                ["traceId"] = Text("The request's trace id, for support."),
                ["errors"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Description = "`validation`: the messages per bad field, keyed by the field's JSON path (or header name).",
                    AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
                },
                ["voucherCode"] = Text("`already-claimed`: the code of the voucher the person holds (its current status: `POST /api/v1/channel/wallet`).",
                    JsonSchemaType.String | JsonSchemaType.Null),
                ["verdict"] = new OpenApiSchemaReference("VerifyVerdict", document),
                ["voucher"] = Nullable(new OpenApiSchemaReference("VoucherView", document), "`voucher-rejected`: the voucher as it stands."),
                ["session"] = Nullable(new OpenApiSchemaReference("ClassSessionView", document), "`conflict` on a session id: the session it names."),
                ["checkInOpensAt"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time", Description = "`outside-session-window`: when check-in opens." },
                ["endsAt"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time", Description = "`outside-session-window`: when the session ends." },
                ["distanceMeters"] = new OpenApiSchema { Type = JsonSchemaType.Number | JsonSchemaType.Null, Format = "double", Description = "`outside-check-in-radius`: how far the phone was." },
                ["radiusMeters"] = new OpenApiSchema { Type = JsonSchemaType.Number | JsonSchemaType.Null, Format = "double", Description = "`outside-check-in-radius`: the institution's radius." },
            },
        };
    }
}
