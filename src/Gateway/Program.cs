using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Scalar.AspNetCore;
using Vouchers.Claims;
using Vouchers.Contracts;
using Vouchers.Gateway.Audit;
using Vouchers.Gateway.Endpoints;
using Vouchers.Gateway.Health;
using Vouchers.Gateway.Hosting;
using Vouchers.Gateway.Limits;
using Vouchers.Gateway.OpenApi;
using Vouchers.Gateway.Problems;
using Vouchers.Gateway.Records;
using Vouchers.Gateway.Security;
using Vouchers.Gateway.Seeding;
using Vouchers.Gateway.Web;
using Vouchers.Http.Persons;
using Vouchers.Silo.Logging;

var builder = WebApplication.CreateBuilder(args);
var demoInCluster = ClusterSafety.EnsureSafe(builder.Configuration);
builder.Services.AddLogRedaction();
builder.AddVoucherOrleans();

builder.Services.TryAddSingleton(TimeProvider.System);
builder.Services.AddOptions<VoucherSecurityOptions>().BindConfiguration(VoucherSecurityOptions.Section);
builder.Services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.Section);
builder.Services.AddSingleton<ClusterSafety>();
builder.Services.AddSingleton<PersonKeys>();
builder.Services.AddSingleton<SigningKeys>();
builder.Services.AddSingleton<PersonInput>();
builder.Services.AddSingleton<DemoData>();
builder.Services.AddSingleton<ClaimRouter>();
builder.Services.AddOptions<VerificationOptions>().BindConfiguration(VerificationOptions.Section);
builder.Services.AddSingleton<FailedLookupGuard>();
builder.Services.AddSingleton<CallerCache>();
builder.Services.AddVerificationRecording();
builder.Services.AddSingleton<AuditRecorder>();
builder.Services.AddHostedService<DemoSeeder>();

builder.Services.ConfigureHttpJsonOptions(o =>
{
    o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
    o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
});
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = RequestLimits.MaxBodyBytes);
builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
    c.ProblemDetails.Extensions.TryAdd("traceId", c.HttpContext.TraceIdentifier));
builder.Services.AddExceptionHandler<ApiExceptionHandler>();
builder.Services.AddClaimAdmission(builder.Configuration);

builder.Services.AddCallerAuthentication(builder.Configuration);
builder.Services.AddAuthorizationBuilder()
    .AddPolicy(CallerClaims.PolicyFor(PrincipalRole.Admin), p => p.RequireRole(nameof(PrincipalRole.Admin)))
    .AddPolicy(CallerClaims.PolicyFor(PrincipalRole.Channel), p => p.RequireRole(nameof(PrincipalRole.Channel)))
    .AddPolicy(CallerClaims.PolicyFor(PrincipalRole.Institution), p => p.RequireRole(nameof(PrincipalRole.Institution)));

builder.Services.AddOpenApi(ApiDocument.DocumentName, o =>
{
    o.AddSchemaTransformer<ContractSchemaTransformer>();
    o.AddOperationTransformer<AnswersOperationTransformer>();
    o.AddDocumentTransformer<ApiDocument>();
});
builder.Services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster", tags: ["ready"]);

var app = builder.Build();
// A secret too short to use stops the start here, naming its key, instead of failing every request that needs it.
_ = app.Services.GetRequiredService<PersonKeys>();
_ = app.Services.GetRequiredService<SigningKeys>();
app.Services.GetRequiredService<ClusterSafety>().WarnAllowed(demoInCluster);
app.UseNoStoreForApi();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseMiddleware<RequestLimits>();
app.UsePageFiles();
app.UseMiddleware<FailedAuthenticationGuard>();
app.UseAuthentication();
app.UseAuthorization();
app.UseActingAdminContext();
app.UseRateLimiter();

app.MapOpenApi();
app.MapScalarApiReference();
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });

app.MapAdminBatchEndpoints();
app.MapAdminRegistryEndpoints();
app.MapAdminSubsidyEndpoints();
app.MapAdminApiKeyEndpoints();
app.MapAdminAuditEndpoints();
app.MapAdminStatisticsEndpoints();
app.MapChannelEndpoints();
app.MapInstitutionEndpoints();
app.MapInstitutionCheckInEndpoints();
app.MapChannelCheckInEndpoints();
app.MapPages();

app.Run();

/// <summary>Entry point, public so tests can host the gateway with WebApplicationFactory.</summary>
public partial class Program;
