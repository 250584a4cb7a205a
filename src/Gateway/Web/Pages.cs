using Microsoft.AspNetCore.Http.HttpResults;

namespace Vouchers.Gateway.Web;

/// <summary>
/// The pages in wwwroot/: the institution verification page at <c>/institution</c>. They are plain static files that
/// need no key (the page asks the clerk for the institution's key and sends it with each API call), served with
/// headers that let them load nothing but their own files.
/// </summary>
public static class Pages
{
    public const string InstitutionPath = "/institution";
    private const string InstitutionFile = "institution/index.html";

    // Scripts and styles come from files of this origin only: no inline code, no CDN, no framing.
    private const string ContentSecurityPolicy =
        "default-src 'self'; base-uri 'none'; object-src 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Serves the files under wwwroot/ (before authentication: they are public).</summary>
    public static IApplicationBuilder UsePageFiles(this IApplicationBuilder app) =>
        app.UseStaticFiles(new StaticFileOptions { OnPrepareResponse = c => AddPageHeaders(c.Context.Response) });

    /// <summary>Maps <c>/institution</c> (with or without the trailing slash) to the verification page.</summary>
    public static IEndpointRouteBuilder MapPages(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(InstitutionPath, ServeInstitutionPage).ExcludeFromDescription();
        return routes;
    }

    private static Results<PhysicalFileHttpResult, NotFound> ServeInstitutionPage(IWebHostEnvironment environment, HttpResponse response)
    {
        var file = environment.WebRootFileProvider.GetFileInfo(InstitutionFile);
        if (!file.Exists || file.PhysicalPath is null)
        {
            return TypedResults.NotFound();
        }

        AddPageHeaders(response);
        return TypedResults.PhysicalFile(file.PhysicalPath, "text/html; charset=utf-8", lastModified: file.LastModified);
    }

    private static void AddPageHeaders(HttpResponse response)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        // Revalidate every time (cheap: ETag), so a fixed page reaches every front desk at its next load.
        headers.CacheControl = "no-cache";
    }
}
