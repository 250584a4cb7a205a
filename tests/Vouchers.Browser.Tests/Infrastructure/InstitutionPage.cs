using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Vouchers.Browser.Tests.Infrastructure;

/// <summary>
/// The verification page in one browser context, driven as a clerk drives it: the keyboard types into whatever has
/// focus (a scan gun is a keyboard), so a scan that lands anywhere but the code input fails the test.
/// </summary>
public sealed partial class InstitutionPage : IAsyncDisposable
{
    private readonly string screenshots;
    private readonly PageErrors errors;

    public InstitutionPage(IPage page, string screenshots)
    {
        Page = page;
        this.screenshots = screenshots;
        errors = new PageErrors(page);
        page.Request += (_, request) =>
        {
            if (request.Url.EndsWith("/api/v1/institution/verifications", StringComparison.Ordinal))
            {
                Lookups.Add(request);
            }
        };
    }

    public IPage Page { get; }

    /// <summary>Every verification request the page sent to the API.</summary>
    public List<Microsoft.Playwright.IRequest> Lookups { get; } = [];

    public ILocator ApiKeyInput => Page.Locator("#api-key");
    public ILocator SignInError => Page.Locator("#sign-in-error");
    public ILocator CodeInput => Page.Locator("#code");
    public ILocator Verdict => Page.Locator("#verdict");
    public ILocator VerdictTitle => Page.Locator("#verdict-title");
    public ILocator VerdictReason => Page.Locator("#verdict-reason");
    public ILocator Facts => Page.Locator("#facts");
    public ILocator UseButton => Page.Locator("#use");
    public ILocator Note => Page.Locator("#note");
    public ILocator HistoryItems => Page.Locator("#history li");
    public ILocator Institution => Page.Locator("#institution");

    public async Task OpenAsync()
    {
        var response = await Page.GotoAsync("/institution");
        Assert.NotNull(response);
        Assert.Equal(200, response.Status);
    }

    /// <summary>Types the key where the page put the focus (the key input) and presses Enter.</summary>
    public async Task SignInAsync(string apiKey)
    {
        await Expect(ApiKeyInput).ToBeFocusedAsync();
        await Page.Keyboard.TypeAsync(apiKey);
        await Page.Keyboard.PressAsync("Enter");
        await Expect(CodeInput).ToBeVisibleAsync();
        await Expect(CodeInput).ToBeFocusedAsync();
    }

    /// <summary>What a scan gun does: types the text and presses Enter. Returns once the scan is in the history.</summary>
    public async Task ScanAsync(string text)
    {
        var before = await HistoryItems.CountAsync();
        await Page.Keyboard.TypeAsync(text);
        await Page.Keyboard.PressAsync("Enter");
        await Expect(HistoryItems).ToHaveCountAsync(before + 1);
    }

    /// <summary>Presses the enrol shortcut (F2 or Control+Enter) and waits for its outcome in the history.</summary>
    public async Task PressUseAsync(string shortcut = "F2")
    {
        var before = await HistoryItems.CountAsync();
        await Page.Keyboard.PressAsync(shortcut);
        await Expect(HistoryItems).ToHaveCountAsync(before + 1);
    }

    /// <summary>Asserts the verdict panel shows <paramref name="verdict"/> in the colour family of <paramref name="state"/>.</summary>
    public async Task ExpectVerdictAsync(string verdict, string state)
    {
        await Expect(Verdict).ToHaveAttributeAsync("data-verdict", verdict);
        await Expect(Verdict).ToHaveAttributeAsync("data-state", state);
        await Expect(VerdictTitle).Not.ToBeEmptyAsync();
    }

    public async Task ExpectFocusInCodeInputAsync() => await Expect(CodeInput).ToBeFocusedAsync();

    public Task<string> VerdictBackgroundAsync() =>
        Verdict.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor");

    /// <summary>Milliseconds from Enter to the shown verdict, as the page measured them.</summary>
    public async Task<int> VerdictMillisecondsAsync() =>
        int.Parse(await Verdict.GetAttributeAsync("data-ms") ?? "-1", System.Globalization.CultureInfo.InvariantCulture);

    public async Task<string[]> HistoryVerdictsAsync() =>
        [.. (await HistoryItems.EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.verdict)"))];

    public async Task ScreenshotAsync(string name) =>
        await Page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(screenshots, $"institution-{name}.png"),
            Animations = ScreenshotAnimations.Disabled,
        });

    /// <summary>Fails on any script error or content-security-policy refusal the page caused.</summary>
    public void AssertNoErrors() => errors.AssertNone();

    public static Regex ClockTime() => ClockPattern();

    [GeneratedRegex("^\\d{2}:\\d{2}:\\d{2}$")]
    private static partial Regex ClockPattern();

    public async ValueTask DisposeAsync() => await Page.Context.CloseAsync();
}
