using System.Net;
using System.Text.Json;
using Vouchers.Testing.Gateway;

namespace Vouchers.Gateway.Tests;

/// <summary>Probes and the API reference answer without a key.</summary>
public sealed class HealthAndDocsTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    private readonly HttpClient anonymous = gateway.AnonymousClient();

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task HealthProbeAnswersHealthy(string path)
    {
        var response = await anonymous.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task OpenApiDocumentListsTheRoutesAndTheApiKeyScheme()
    {
        var response = await anonymous.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = document.RootElement;
        var paths = root.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/channel/claims", out _));
        Assert.True(paths.TryGetProperty("/api/v1/institution/verifications", out _));
        Assert.True(paths.TryGetProperty("/api/v1/admin/batches", out _));
        var schemes = root.GetProperty("components").GetProperty("securitySchemes").EnumerateObject().Select(s => s.Value).ToList();
        Assert.Contains(schemes, s =>
            s.GetProperty("type").GetString() == "apiKey"
            && s.GetProperty("in").GetString() == "header"
            && s.GetProperty("name").GetString() == "X-Api-Key");
        Assert.Equal(["ApiKey"], SchemesOf(paths, "/api/v1/admin/batches", "get"));
        Assert.Equal(["ApiKey"], SchemesOf(paths, "/api/v1/institution/verifications", "post"));
        // The zero-setup mode takes a channel's API key besides its signature (a cluster only the signature).
        Assert.Equal(["Signature", "ApiKey"], SchemesOf(paths, "/api/v1/channel/claims", "post"));
    }

    /// <summary>The alternatives of an operation's security requirement, one scheme each.</summary>
    internal static string[] SchemesOf(JsonElement paths, string path, string method) =>
        [.. paths.GetProperty(path).GetProperty(method).GetProperty("security").EnumerateArray()
            .Select(requirement => requirement.EnumerateObject().Single().Name)];

    [Fact]
    public async Task ApiReferenceIsAnHtmlPage()
    {
        var response = await anonymous.GetAsync("/scalar");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<html", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task UnknownPathIsANotFoundProblem()
    {
        var response = await gateway.ClientFor(Demo.AdminMinistry).GetAsync("/api/v1/nothing-here");

        await VoucherApi.ProblemAsync(response, HttpStatusCode.NotFound);
    }
}
