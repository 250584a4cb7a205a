using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Vouchers.Testing.Gateway;

namespace Vouchers.Browser.Tests.Infrastructure;

/// <summary>The zero-setup gateway on a real loopback port (Kestrel, not the in-memory test server), so a browser can reach it.</summary>
public sealed class KestrelGatewayFactory : GatewayFactory
{
    public KestrelGatewayFactory() => UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));

    /// <summary>Where the started gateway listens, e.g. http://127.0.0.1:40123/.</summary>
    public Uri RootUri()
    {
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return new Uri(addresses.First().TrimEnd('/') + "/");
    }
}

/// <summary>
/// One gateway and one headless Chromium for a test class; every test opens its own browser context (its own
/// sessionStorage and localStorage) at a small front-desk screen size.
/// </summary>
public sealed class PageFixture : IAsyncLifetime
{
    /// <summary>Overrides where Chromium is; by default Debian's package at /usr/bin/chromium.</summary>
    public const string ChromiumVariable = "VOUCHERS_CHROMIUM";

    /// <summary>Where screenshots of each state go (docs/screenshots when refreshing the documentation).</summary>
    public const string ScreenshotVariable = "VOUCHERS_SCREENSHOT_DIR";

    public static readonly ViewportSize FrontDeskScreen = new() { Width = 1024, Height = 600 };

    private IPlaywright? playwright;
    private IBrowser? browser;

    public KestrelGatewayFactory Gateway { get; } = new();

    public Uri RootUri { get; private set; } = null!;

    public string ScreenshotDirectory { get; } =
        Environment.GetEnvironmentVariable(ScreenshotVariable) is { Length: > 0 } dir ? Path.GetFullPath(dir) : Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        var chromium = Environment.GetEnvironmentVariable(ChromiumVariable) is { Length: > 0 } path ? path : "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            // Never skip quietly: a page nobody tested is a page that may not work at the front desk.
            throw new InvalidOperationException(
                $"Chromium was not found at {chromium}. The browser tests drive Debian's chromium package: install it with " +
                $"'apt-get install -y --no-install-recommends chromium' (scripts/test.sh does so when run as root) or set {ChromiumVariable}.");
        }

        await Gateway.InitializeAsync();
        RootUri = Gateway.RootUri();
        Directory.CreateDirectory(ScreenshotDirectory);

        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox"],
        });
    }

    /// <summary>An office screen, where the HR dashboard is watched.</summary>
    public static readonly ViewportSize OfficeScreen = new() { Width = 1280, Height = 900 };

    /// <summary>A fresh browser context and page (Chinese locale, China time, 1024×600) with the gateway as base URL.</summary>
    public async Task<InstitutionPage> NewPageAsync() =>
        new(await NewBrowserPageAsync(FrontDeskScreen), ScreenshotDirectory);

    /// <summary>A fresh browser context and page for the HR dashboard (Chinese locale, China time, 1280×900).</summary>
    public async Task<HrDashboardPage> NewHrPageAsync() =>
        new(await NewBrowserPageAsync(OfficeScreen), ScreenshotDirectory);

    private async Task<IPage> NewBrowserPageAsync(ViewportSize screen)
    {
        var context = await browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = RootUri.ToString(),
            ViewportSize = screen,
            Locale = "zh-CN",
            TimezoneId = "Asia/Shanghai",
        });
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.CloseAsync();
        }

        playwright?.Dispose();
        await Gateway.DisposeAsync();
    }
}
