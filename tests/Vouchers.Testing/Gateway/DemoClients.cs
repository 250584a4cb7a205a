using Microsoft.AspNetCore.Mvc.Testing;

namespace Vouchers.Testing.Gateway;

/// <summary>
/// Clients of one gateway for the demo principals a whole scenario needs: the national app (channel), the Shenzhen
/// skills school (institution) and the Guangdong admin. The calls are <see cref="VoucherApi"/>'s.
/// </summary>
public sealed class DemoClients(WebApplicationFactory<Program> gateway) : IDisposable
{
    public HttpClient Channel { get; } = gateway.ClientFor(Demo.ChannelNationalApp);

    public HttpClient Institution { get; } = gateway.ClientFor(Demo.InstitutionSzSkillsSchool);

    public HttpClient Admin { get; } = gateway.ClientFor(Demo.AdminGuangdong);

    public void Dispose()
    {
        Channel.Dispose();
        Institution.Dispose();
        Admin.Dispose();
    }
}
