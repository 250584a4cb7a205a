using Microsoft.AspNetCore.Authentication;
using Vouchers.Http.Signing;
using Vouchers.Silo.Hosting;

namespace Vouchers.Gateway.Security;

/// <summary>
/// How callers authenticate: a request signed with <see cref="RequestSignature.Scheme"/> in its Authorization header is
/// checked as a channel's signature, anything else as an API key (X-Api-Key). One default scheme forwards to the
/// right one, so every authorization policy takes either.
/// </summary>
public static class CallerAuthentication
{
    public const string SchemeName = "Caller";

    public static IServiceCollection AddCallerAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        var zeroSetup = !configuration.IsClusterMode();
        services.AddOptions<RequestSigningOptions>().BindConfiguration(RequestSigningOptions.Section)
            .Configure(o => o.AcceptChannelApiKeys = zeroSetup);
        services.AddOptions<FailedAuthenticationOptions>().BindConfiguration(FailedAuthenticationOptions.Section);
        services.AddSingleton<FailedAuthentications>();
        services.AddSingleton<ReplayGuard>();
        services.AddAuthentication(SchemeName)
            .AddPolicyScheme(SchemeName, null, o => o.ForwardDefaultSelector = SchemeOf)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddScheme<AuthenticationSchemeOptions, SignatureAuthenticationHandler>(SignatureAuthenticationHandler.SchemeName, null);
        return services;
    }

    private static string SchemeOf(HttpContext context) =>
        RequestSignature.IsSigned(context.Request.Headers.Authorization.ToString())
            ? SignatureAuthenticationHandler.SchemeName
            : ApiKeyAuthenticationHandler.SchemeName;
}
