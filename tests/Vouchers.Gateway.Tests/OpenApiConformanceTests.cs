using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Vouchers.Testing.Gateway;
using Vouchers.Testing.OpenApi;

namespace Vouchers.Gateway.Tests;

/// <summary>A gateway that answers 418 to any API request with <c>?teapot</c>: an answer no operation declares.</summary>
public sealed class TeapotGatewayFactory : GatewayFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(s => s.AddSingleton<IStartupFilter, Teapot>());
    }

    private sealed class Teapot : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, inner) =>
            {
                if (!context.Request.Query.ContainsKey("teapot"))
                {
                    return inner(context);
                }

                context.Response.StatusCode = 418;
                return Task.CompletedTask;
            });
            next(app);
        };
    }
}

/// <summary>The conformance check that every gateway and integration test runs through fails on what the document does not declare.</summary>
public sealed class OpenApiConformanceTests(TeapotGatewayFactory gateway) : IClassFixture<TeapotGatewayFactory>
{
    private const string Claims = "/api/v1/channel/claims";

    [Fact]
    public async Task AnUndeclaredStatusFailsTheTestsHttpCall()
    {
        using var client = gateway.ClientFor(Demo.ChannelNationalApp);

        var thrown = await Assert.ThrowsAsync<OpenApiConformanceException>(() => client.GetAsync("/api/v1/channel/batches?teapot=1"));

        Assert.Contains("answered 418", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStatusTheOperationDoesNotDeclareIsReported()
    {
        var contract = await OpenApiConformance.ContractOfAsync(gateway.Services);

        var problems = contract.Check("POST", Claims, 418, [], "application/problem+json", Json("""{"title":"I'm a teapot","status":418}"""));

        Assert.Contains(problems, p => p.Contains("418, which the document does not declare", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ABodyThatDoesNotMatchTheSchemaIsReported()
    {
        var contract = await OpenApiConformance.ContractOfAsync(gateway.Services);

        var problems = contract.Check("POST", Claims, 200, [], "application/json", Json("""{"code":5,"status":"lost"}"""));

        Assert.Contains(problems, p => p.Contains("does not match the schema", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnUndeclaredHeaderAndAnUndeclaredContentTypeAreReported()
    {
        var contract = await OpenApiConformance.ContractOfAsync(gateway.Services);

        var header = contract.Check("POST", Claims, 400, [new("X-Internal-Node", "silo-3")], "application/problem+json",
            Json("""{"title":"The request is not valid.","status":400}"""));
        var contentType = contract.Check("POST", Claims, 409, [], "text/html", Json("<p>conflict</p>"));

        Assert.Contains(header, p => p.Contains("X-Internal-Node", StringComparison.Ordinal));
        Assert.Contains(contentType, p => p.Contains("text/html", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnAlreadyClaimedProblemWithItsExtensionsConforms()
    {
        var contract = await OpenApiConformance.ContractOfAsync(gateway.Services);

        var problems = contract.Check("POST", Claims, 409, [new("Cache-Control", "no-store")], "application/problem+json; charset=utf-8", Json("""
            {"type":"urn:vouchers:problem:already-claimed","title":"The person holds a voucher of this batch already.","status":409,
             "detail":"The existing voucher is X.","voucherCode":"7K4QW9HMXR2TPC3NA","traceId":"t"}
            """));

        Assert.Empty(problems);
    }

    [Fact]
    public async Task EnumsAreStringsWithoutNullAndTheClaimBodyRequiresWhatTheServerRequires()
    {
        using var response = await gateway.AnonymousClient().GetAsync("/openapi/v1.json");
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var schemas = document["components"]!["schemas"]!.AsObject();

        foreach (var (name, schema) in schemas)
        {
            if (schema?["enum"] is JsonArray values)
            {
                Assert.True(schema["type"]?.GetValue<string>() == "string", $"{name} is an enum without type string");
                Assert.DoesNotContain(values, v => v is null);
            }
        }

        var required = schemas["ClaimBody"]!["required"]!.AsArray().Select(r => r!.GetValue<string>()).Order(StringComparer.Ordinal);
        Assert.Equal(["attestation", "batchId", "idNumber", "name", "requestId"], required);
        Assert.Equal(["face", "password"], schemas["AttestationRequest"]!["properties"]!["method"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
        var server = document["servers"]![0]!["url"]!.GetValue<string>();
        Assert.False(server.EndsWith('/'), server);
        Assert.DoesNotContain("localhost/", server, StringComparison.Ordinal);
    }

    private static byte[] Json(string text) => Encoding.UTF8.GetBytes(text);
}
