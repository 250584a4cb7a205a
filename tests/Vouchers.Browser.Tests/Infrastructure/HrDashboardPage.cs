using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Vouchers.Browser.Tests.Infrastructure;

/// <summary>The HR statistics dashboard in one browser context, as an HR officer uses it.</summary>
public sealed class HrDashboardPage : IAsyncDisposable
{
    private readonly string screenshots;
    private readonly PageErrors errors;

    public HrDashboardPage(IPage page, string screenshots)
    {
        Page = page;
        this.screenshots = screenshots;
        errors = new PageErrors(page);
    }

    public IPage Page { get; }

    public ILocator ApiKeyInput => Page.Locator("#api-key");
    public ILocator SignInError => Page.Locator("#sign-in-error");
    public ILocator Dashboard => Page.Locator("#dashboard");
    public ILocator BatchSelector => Page.Locator("#batch");
    public ILocator MinutesChart => Page.Locator("#minutes svg");
    public ILocator CurrentMinuteBar => Page.Locator("#minutes rect.now");
    public ILocator Batches => Page.Locator("#batches tbody tr");
    public ILocator Regions => Page.Locator("#regions");
    public ILocator Live => Page.Locator("#live");
    public ILocator Problem => Page.Locator("#problem");

    /// <summary>The value shown for one headline figure (claimed, live, used, redeemed, remaining, fundsCommitted, fundsDisbursed).</summary>
    public ILocator Figure(string name) => Page.Locator($"#headline [data-figure='{name}'] dd");

    public async Task OpenAsync()
    {
        var response = await Page.GotoAsync("/hr");
        Assert.NotNull(response);
        Assert.Equal(200, response.Status);
    }

    /// <summary>Types the key where the page put the focus (the key input), presses Enter and waits for the figures.</summary>
    public async Task SignInAsync(string apiKey)
    {
        await Expect(ApiKeyInput).ToBeFocusedAsync();
        await Page.Keyboard.TypeAsync(apiKey);
        await Page.Keyboard.PressAsync("Enter");
        await Expect(Dashboard).ToBeVisibleAsync();
        await Expect(Figure("claimed")).ToBeVisibleAsync();
    }

    /// <summary>A screenshot of the whole page, as hr-dashboard-<paramref name="name"/>.png (or hr-dashboard.png without a name).</summary>
    public async Task ScreenshotAsync(string? name = null) =>
        await Page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(screenshots, name is null ? "hr-dashboard.png" : $"hr-dashboard-{name}.png"),
            FullPage = true,
            Animations = ScreenshotAnimations.Disabled,
        });

    public void AssertNoErrors() => errors.AssertNone();

    public async ValueTask DisposeAsync() => await Page.Context.CloseAsync();
}
