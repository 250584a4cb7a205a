using Microsoft.AspNetCore.Http.HttpResults;

namespace Vouchers.Gateway.Web;

/// <summary>
/// The pages in wwwroot/: the institution verification page at <c>/institution</c> and the HR statistics dashboard at
/// <c>/hr</c>. They are plain static files that need no key (each page asks for its key — the institution's, the
/// admin's — and sends it with each API call), served with headers that let them load nothing but their own files.
/// </summary>
public static class Pages
{
    public const string InstitutionPath = "/institution";
    public const string HrPath = "/hr";

    /// <summary>Each page's path and its file under wwwroot/.</summary>
    private static readonly (string Path, string File)[] All =
    [
        (InstitutionPath, "institution/index.html"),
        (HrPath, "hr/index.html"),
    ];

    // Scripts and styles come from files of this origin only: no inline code, no CDN, no framing.
    private const string ContentSecurityPolicy =
        "default-src 'self'; base-uri 'none'; object-src 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Serves the files under wwwroot/ (before authentication: they are public).</summary>
    public static IApplicationBuilder UsePageFiles(this IApplicationBuilder app) =>
        app.UseStaticFiles(new StaticFileOptions { OnPrepareResponse = c => AddPageHeaders(c.Context.Response) });

    /// <summary>Maps each page's path (<c>/institution</c>, <c>/hr</c>; with or without the trailing slash) to its page.</summary>
    public static IEndpointRouteBuilder MapPages(this IEndpointRouteBuilder routes)
    {
        foreach (var (path, file) in All)
        {
            routes.MapGet(path, (IWebHostEnvironment environment, HttpResponse response) => ServePage(file, environment, response))
                .ExcludeFromDescription();
        }

        return routes;
    }

    private static Results<PhysicalFileHttpResult, NotFound> ServePage(string path, IWebHostEnvironment environment, HttpResponse response)
    {
        var file = environment.WebRootFileProvider.GetFileInfo(path);
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
