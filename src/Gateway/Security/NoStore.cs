using Microsoft.Net.Http.Headers;

namespace Vouchers.Gateway.Security;

/// <summary>
/// Every API answer carries <c>Cache-Control: no-store</c>: vouchers, wallets and problems are personal and change, so
/// no browser, proxy or scan-gun client may keep a copy. Set when the response starts, after every other handler
/// (the exception handler and the status-code pages included), so 4xx, 401/403 and problem answers carry it too.
/// </summary>
public static class NoStore
{
    public const string ApiPrefix = "/api";

    public static IApplicationBuilder UseNoStoreForApi(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.Request.Path.StartsWithSegments(ApiPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var response = context.Response;
            response.OnStarting(() =>
            {
                response.Headers[HeaderNames.CacheControl] = "no-store";
                return Task.CompletedTask;
            });
        }

        return next(context);
    });
}
