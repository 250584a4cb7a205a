using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Vouchers.Testing.Security;
using Vouchers.Testing.Gateway;

namespace Vouchers.Gateway.Tests.Security;

/// <summary>
/// Every API route × every kind of caller → the status it must answer, in one table (<see cref="AccessMatrix.Routes"/>).
/// A route the gateway maps without a row in the table fails <see cref="EveryMappedRouteHasARow"/>; every row is
/// exercised by <see cref="EveryRouteAnswersEveryCallerAsTheTableSays"/>, and a caller outside the route's scope
/// never sees what the in-scope caller's resources hold (voucher codes, masked holders).
/// </summary>
public sealed class AuthorizationMatrixTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    [Fact]
    public void EveryMappedRouteHasARow()
    {
        var mapped = ApiRouteShapes.Mapped(gateway.Services.GetRequiredService<EndpointDataSource>());
        var table = AccessMatrix.Routes.Select(r => ApiRouteShapes.Of(r.Method, r.Template)).ToHashSet();

        Assert.NotEmpty(mapped);
        Assert.True(mapped.Except(table).ToList() is [], "Routes without a row in the authorization matrix: " + string.Join(", ", mapped.Except(table)));
        Assert.True(table.Except(mapped).ToList() is [], "Rows for routes the gateway does not map: " + string.Join(", ", table.Except(mapped)));
        Assert.Equal(AccessMatrix.Routes.Count, table.Count);
    }

    [Fact]
    public async Task EveryRouteAnswersEveryCallerAsTheTableSays()
    {
        var world = await MatrixWorld.CreateAsync(gateway);
        var failures = new List<string>();
        var checkedCells = 0;
        foreach (var route in AccessMatrix.Routes)
        {
            foreach (var (caller, expected) in route.Expectations())
            {
                var request = await route.Arrange(world, caller);
                using var message = request.ToMessage(route.Method);
                using var response = await world.ClientFor(caller, route.Owner).SendAsync(message);
                var body = await response.Content.ReadAsStringAsync();
                checkedCells++;
                if ((int)response.StatusCode != expected)
                {
                    failures.Add($"{route.Method} {route.Template} as {caller}: {(int)response.StatusCode} instead of {expected}: {Shorten(body)}");
                    continue;
                }

                if (caller != route.Owner.Self() && request.Secrets.FirstOrDefault(s => body.Contains(s, StringComparison.Ordinal)) is { } leaked)
                {
                    failures.Add($"{route.Method} {route.Template} as {caller}: the answer shows '{leaked}' of a resource outside its scope");
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {checkedCells} cells differ from the matrix:\n" + string.Join("\n", failures));
        Assert.True(checkedCells >= AccessMatrix.Routes.Count * 7, $"only {checkedCells} cells checked");
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
