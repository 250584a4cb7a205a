using System.Net;
using System.Text;
using Microsoft.AspNetCore.Routing;
using Vouchers.Testing.Gateway;

namespace Vouchers.Testing.Security;

/// <summary>Who calls a route in the matrix.</summary>
public enum Caller
{
    Anonymous,
    GarbageKey,
    RevokedKey,

    /// <summary>The Guangdong admin (region "44"), the national app (channel), the Shenzhen school (institution): in scope of the matrix's resources.</summary>
    Admin,
    Channel,
    Institution,

    /// <summary>The ministry admin (every region), in scope of ministry-only routes.</summary>
    Ministry,

    /// <summary>The Shenzhen admin (region "4403") acting on Guangdong-wide resources.</summary>
    WrongRegion,

    /// <summary>The Guangzhou college acting on the Shenzhen school's resources.</summary>
    WrongInstitution,

    /// <summary>The bank app acting on a batch enabled only for the national app.</summary>
    WrongChannel,

    /// <summary>The national app acting on a voucher with another person's ID number and attestation.</summary>
    NotTheHolder,
}

/// <summary>Who a route is for: its in-scope caller is <see cref="OwnerExtensions.Self"/>.</summary>
public enum Owner
{
    /// <summary>Admins of the resource's region (the Guangdong admin; out of scope: the Shenzhen admin).</summary>
    Admin,

    /// <summary>The ministry only (in scope: the ministry admin; out of scope: the Guangdong admin).</summary>
    Ministry,
    Channel,
    Institution,
}

public static class OwnerExtensions
{
    private static readonly Caller[] Roles = [Caller.Admin, Caller.Channel, Caller.Institution];

    public static Caller Self(this Owner owner) => owner switch
    {
        Owner.Admin => Caller.Admin,
        Owner.Ministry => Caller.Ministry,
        Owner.Channel => Caller.Channel,
        _ => Caller.Institution,
    };

    /// <summary>The caller of the right role outside the route's scope.</summary>
    public static Caller Stranger(this Owner owner) => owner switch
    {
        Owner.Admin => Caller.WrongRegion,
        Owner.Ministry => Caller.Admin,
        Owner.Channel => Caller.WrongChannel,
        _ => Caller.WrongInstitution,
    };

    /// <summary>The callers of the other roles.</summary>
    public static IEnumerable<Caller> OtherRoles(this Owner owner) => owner switch
    {
        Owner.Admin or Owner.Ministry => Roles.Where(r => r != Caller.Admin),
        Owner.Channel => Roles.Where(r => r != Caller.Channel),
        _ => Roles.Where(r => r != Caller.Institution),
    };
}

/// <summary>A request of the matrix: path (with query), JSON body or none, and what an out-of-scope answer must not show.</summary>
public sealed record MatrixRequest(string Path, object? Body = null, params string[] Secrets)
{
    public HttpRequestMessage ToMessage(string method)
    {
        var message = new HttpRequestMessage(new HttpMethod(method), Path);
        if (Body is not null)
        {
            message.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(Body, VoucherApi.Json)));
            message.Content.Headers.ContentType = new("application/json");
        }

        return message;
    }
}

/// <summary>
/// A row of the matrix. Anonymous callers, garbage and revoked keys get 401 and callers of another role 403 on every
/// route; <see cref="Ok"/> is the in-scope answer, <see cref="OutOfScope"/> the answer to the same role outside its
/// scope (<see cref="OwnerExtensions.Stranger"/>), <see cref="NotTheHolder"/> that to a channel acting for another
/// person (holder-bound channel routes only).
/// </summary>
public sealed record MatrixRoute(
    string Method,
    string Template,
    Owner Owner,
    int Ok,
    int OutOfScope,
    Func<MatrixWorld, Caller, Task<MatrixRequest>> Arrange,
    int? NotTheHolder = null)
{
    public IEnumerable<(Caller Caller, int Status)> Expectations()
    {
        yield return (Caller.Anonymous, 401);
        yield return (Caller.GarbageKey, 401);
        yield return (Caller.RevokedKey, 401);
        foreach (var other in Owner.OtherRoles())
        {
            yield return (other, 403);
        }

        // The out-of-scope and holder cells first: the in-scope call may change what they would see.
        yield return (Owner.Stranger(), OutOfScope);
        if (NotTheHolder is { } notTheHolder)
        {
            yield return (Caller.NotTheHolder, notTheHolder);
        }

        yield return (Owner.Self(), Ok);
    }
}

/// <summary>A route's method and template with every route value as "{}", so that tables and the gateway's map compare.</summary>
public static partial class ApiRouteShapes
{
    public static string Of(string method, string template) =>
        $"{method} {RouteValue().Replace(template.Split('?')[0], "{}").TrimEnd('/')}";

    /// <summary>Every "/api/" route the gateway maps, as shapes.</summary>
    public static HashSet<string> Mapped(EndpointDataSource endpoints) => endpoints.Endpoints
        .OfType<RouteEndpoint>()
        .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
        .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => Of(m, e.RoutePattern.RawText!)))
        .ToHashSet();

    [System.Text.RegularExpressions.GeneratedRegex("\\{[^}]*\\}")]
    private static partial System.Text.RegularExpressions.Regex RouteValue();
}

/// <summary>Expected statuses, used to keep the table readable.</summary>
public static class Status
{
    public const int Ok = (int)HttpStatusCode.OK;
    public const int Created = (int)HttpStatusCode.Created;
    public const int BadRequest = (int)HttpStatusCode.BadRequest;
    public const int Forbidden = (int)HttpStatusCode.Forbidden;
    public const int NotFound = (int)HttpStatusCode.NotFound;
    public const int Conflict = (int)HttpStatusCode.Conflict;
    public const int UnprocessableEntity = (int)HttpStatusCode.UnprocessableEntity;
}
