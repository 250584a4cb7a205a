using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Vouchers.Gateway.OpenApi;

namespace Vouchers.Testing.OpenApi;

/// <summary>An answer of the gateway that its OpenAPI document does not declare.</summary>
public sealed class OpenApiConformanceException(string message) : Exception(message);

/// <summary>
/// Checks every answer a test host gives under <c>/api</c> against the host's own OpenAPI document
/// (<see cref="OpenApiContract"/>): the outermost middleware keeps the answer until it is complete, checks it, and
/// throws <see cref="OpenApiConformanceException"/> instead of sending an undeclared answer, which the test server
/// hands to the test's HTTP call. Every test factory adds it (<see cref="CheckAnswersAgainstOpenApi"/>), so every
/// gateway and integration test exercises the contract.
/// </summary>
public static class OpenApiConformance
{
    public static IWebHostBuilder CheckAnswersAgainstOpenApi(this IWebHostBuilder builder) =>
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, Filter>());

    /// <summary>The contract of the document this host serves.</summary>
    public static async Task<OpenApiContract> ContractOfAsync(IServiceProvider services)
    {
        var provider = services.GetRequiredKeyedService<IOpenApiDocumentProvider>(ApiDocument.DocumentName);
        var document = await provider.GetOpenApiDocumentAsync();
        return OpenApiContract.Of(await document.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1));
    }

    private sealed class Filter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseMiddleware<Checker>();
            next(app);
        };
    }

    private sealed class Checker(RequestDelegate next, IServiceProvider services)
    {
        private readonly Lazy<Task<OpenApiContract>> contract = new(() => ContractOfAsync(services));

        public async Task InvokeAsync(HttpContext context)
        {
            if (!context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
            {
                await next(context);
                return;
            }

            var original = context.Response.Body;
            using var buffer = new MemoryStream();
            context.Response.Body = buffer;
            try
            {
                await next(context);
            }
            finally
            {
                context.Response.Body = original;
            }

            var response = context.Response;
            var headers = response.Headers.Select(h => new KeyValuePair<string, string>(h.Key, h.Value.ToString()));
            var problems = (await contract.Value).Check(
                context.Request.Method, context.Request.Path.Value ?? "/", response.StatusCode, headers, response.ContentType,
                buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
            if (problems.Count > 0)
            {
                throw new OpenApiConformanceException(
                    "The gateway gave an answer its OpenAPI document does not declare:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
            }

            buffer.Position = 0;
            await buffer.CopyToAsync(original, context.RequestAborted);
        }
    }
}
