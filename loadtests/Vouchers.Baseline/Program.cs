using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Npgsql;
using Vouchers.Baseline.Data;
using Vouchers.Baseline.Endpoints;
using Vouchers.Baseline.Problems;
using Vouchers.Baseline.Security;
using Vouchers.Contracts;
using Vouchers.Http.Persons;
using Vouchers.Http.Signing;

// The baseline of docs/BENCHMARKS.md: the gateway's claim, wallet and verify contract on plain ASP.NET Core + Npgsql.
//   ConnectionStrings__Baseline="Host=...;Database=baseline;...;Maximum Pool Size=64" Urls=http://127.0.0.1:5081 \
//     dotnet loadtests/Vouchers.Baseline/bin/Release/net10.0/Vouchers.Baseline.dll
// appsettings.json is read from beside the dll, whatever the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
var connectionString = builder.Configuration.GetConnectionString("Baseline");
if (string.IsNullOrWhiteSpace(connectionString))
{
    Console.Error.WriteLine("The baseline needs ConnectionStrings__Baseline (a PostgreSQL connection string).");
    return 2;
}

builder.Services.AddSingleton(NpgsqlDataSource.Create(connectionString));
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<BatchStore>();
builder.Services.AddSingleton<ClaimStore>();
builder.Services.AddSingleton<NonceStore>();
builder.Services.AddSingleton<DemoSigningKeys>();
builder.Services.AddHostedService<NonceSweeper>();
builder.Services.AddOptions<VoucherSecurityOptions>().BindConfiguration(VoucherSecurityOptions.Section);
builder.Services.AddSingleton<PersonKeys>();
builder.Services.AddSingleton<PersonInput>();

builder.Services.ConfigureHttpJsonOptions(o => Json.Configure(o.SerializerOptions));
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
    c.ProblemDetails.Extensions.TryAdd("traceId", c.HttpContext.TraceIdentifier));
builder.Services.AddExceptionHandler<BadRequestHandler>();

// Channels sign their requests (as the load generator does against both); admins and institutions send API keys.
builder.Services.AddAuthentication("Caller")
    .AddPolicyScheme("Caller", null, o => o.ForwardDefaultSelector = c =>
        RequestSignature.IsSigned(c.Request.Headers.Authorization.ToString()) ? SignatureHandler.SchemeName : DemoApiKeyHandler.SchemeName)
    .AddScheme<AuthenticationSchemeOptions, DemoApiKeyHandler>(DemoApiKeyHandler.SchemeName, null)
    .AddScheme<AuthenticationSchemeOptions, SignatureHandler>(SignatureHandler.SchemeName, null);
builder.Services.AddAuthorizationBuilder()
    .AddPolicy(nameof(PrincipalRole.Admin), p => p.RequireRole(nameof(PrincipalRole.Admin)))
    .AddPolicy(nameof(PrincipalRole.Channel), p => p.RequireRole(nameof(PrincipalRole.Channel)))
    .AddPolicy(nameof(PrincipalRole.Institution), p => p.RequireRole(nameof(PrincipalRole.Institution)));
builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);

var app = builder.Build();
await Schema.CreateAsync(app.Services.GetRequiredService<NpgsqlDataSource>(), app.Lifetime.ApplicationStopping);

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();

app.MapGet("/ping", () => "pong");
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
app.MapAdminBatchEndpoints();
app.MapChannelEndpoints();
app.MapInstitutionEndpoints();

await app.RunAsync();
return 0;
