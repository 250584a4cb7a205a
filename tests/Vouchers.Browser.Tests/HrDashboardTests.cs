using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Vouchers.Browser.Tests.Infrastructure;
using Vouchers.Contracts;
using Vouchers.Testing.Gateway;
using static Microsoft.Playwright.Assertions;

namespace Vouchers.Browser.Tests;

/// <summary>
/// The HR statistics dashboard in a real headless Chromium against a real gateway: an admin signs in and watches claims
/// made through the channel API arrive without reloading. Screenshots go to the screenshot directory.
/// </summary>
public sealed class HrDashboardTests(PageFixture fixture) : IClassFixture<PageFixture>
{
    // The statistics follow the event stream (about a second) and the page refreshes every 2 s.
    private static readonly LocatorAssertionsToHaveTextOptions Soon = new() { Timeout = 15_000 };

    private readonly HttpClient channel = fixture.Gateway.ClientFor(Demo.ChannelNationalApp);
    private readonly HttpClient school = fixture.Gateway.ClientFor(Demo.InstitutionSzSkillsSchool);
    private readonly HttpClient college = fixture.Gateway.ClientFor(Demo.InstitutionGzTechCollege);

    private static string GuangdongKey => Demo.ApiKey(Demo.AdminGuangdong);

    [Fact]
    public async Task ClaimsShowUpInTheFiguresThePerMinuteChartAndTheRegionsWithoutReload()
    {
        await using var page = await fixture.NewHrPageAsync();
        await page.OpenAsync();
        await Expect(page.Page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        await page.SignInAsync(GuangdongKey);
        await Expect(page.ApiKeyInput).ToHaveValueAsync("");
        Assert.Equal(GuangdongKey, await page.Page.EvaluateAsync<string?>("() => sessionStorage.getItem('vouchers.hr.apiKey')"));
        Assert.DoesNotContain(GuangdongKey, await page.Page.EvaluateAsync<string>("() => JSON.stringify({ ...localStorage })"), StringComparison.Ordinal);

        await Expect(page.Batches.Filter(new() { HasText = Demo.BatchId })).ToHaveCountAsync(1);
        await Expect(page.BatchSelector.Locator($"option[value='{Demo.BatchId}']")).ToHaveCountAsync(1);
        var claimed = await FigureAsync(page, "claimed");
        var perMinute = await MinuteTotalAsync(page);

        // A burst in two waves, from Shenzhen (4403) and then also from Guangzhou (4401): each shows without a reload.
        var vouchers = new List<VoucherView>();
        foreach (var wave in new[] { new[] { "440305", "440305", "440304" }, new[] { "440305", "440106", "440106", "440304" } })
        {
            vouchers.AddRange(await Task.WhenAll(wave.Select(region => channel.ClaimAsync(new TestPerson(IdNumbers.New(region), "欧阳测试"), Demo.BatchId))));
            claimed += wave.Length;
            perMinute += wave.Length;
            await Expect(page.Figure("claimed")).ToHaveTextAsync(claimed.ToString("N0", CultureInfo.InvariantCulture), Soon);
            await Expect(page.MinutesChart).ToHaveAttributeAsync("data-total", perMinute.ToString(CultureInfo.InvariantCulture), new() { Timeout = 15_000 });
        }

        var used = await FigureAsync(page, "used");
        await school.UseAsync(vouchers[0].Code);
        await school.UseAsync(vouchers[3].Code);
        await college.UseAsync(vouchers[4].Code);
        await Expect(page.Figure("used")).ToHaveTextAsync((used + 3).ToString("N0", CultureInfo.InvariantCulture), Soon);
        await Expect(page.Page.Locator($"#institutions [data-key='{Demo.SzSkillsSchool}']")).ToHaveCountAsync(1, new() { Timeout = 15_000 });

        await Expect(page.CurrentMinuteBar).ToHaveCountAsync(1);
        await Expect(page.Figure("fundsCommitted")).ToHaveTextAsync(new Regex("^¥[0-9,]+\\.[0-9]{2}$"));
        // The claimants are from Shenzhen (division code 4403).
        await Expect(page.Regions.Locator("[data-key='4403']")).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await Expect(page.Regions.Locator("[data-key='4401']")).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await Expect(page.Regions.Locator("[data-key='4403'] text.label")).ToHaveTextAsync("深圳市"); // named, not coded
        await Expect(page.Page.Locator("#headline [data-figure='expired'] dd")).ToHaveTextAsync("0");
        await Expect(page.Page.Locator("#ages [data-key]")).Not.ToHaveCountAsync(0);
        await Expect(page.Page.Locator("#genders [data-key]")).Not.ToHaveCountAsync(0);
        await Expect(page.Page.Locator($"#channels [data-key='{Demo.NationalApp}']")).ToHaveCountAsync(1);
        await Expect(page.Live).ToContainTextAsync("实时");
        await page.ScreenshotAsync();

        // The CSV comes with the key (fetched by the page), as the file the API names, UTF-8 with a byte-order mark.
        var download = await page.Page.RunAndWaitForDownloadAsync(() => page.Page.Locator("#csv").ClickAsync());
        Assert.Matches("^statistics-44-none-[0-9]{8}\\.csv$", download.SuggestedFilename);
        var csv = await File.ReadAllBytesAsync(await download.PathAsync());
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, csv[..3]);

        // One batch: the figures are that batch's.
        await page.BatchSelector.SelectOptionAsync(Demo.BatchId);
        await Expect(page.Batches).ToHaveCountAsync(1);
        await Expect(page.Figure("claimed")).Not.ToBeEmptyAsync();
        page.AssertNoErrors();
    }

    [Fact]
    public async Task EnglishChangesTheLabelsAndIsRemembered()
    {
        await using var page = await fixture.NewHrPageAsync();
        await page.OpenAsync();
        await page.SignInAsync(GuangdongKey);
        await Expect(page.Page.Locator("h1")).ToHaveTextAsync("培训券统计");
        await Expect(page.Page.Locator("#headline [data-figure='claimed'] dt")).ToHaveTextAsync("已领取");

        await page.Page.Locator("#lang").ClickAsync();
        await Expect(page.Page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(page.Page.Locator("h1")).ToHaveTextAsync("Training voucher statistics");
        await Expect(page.Page.Locator("#headline [data-figure='claimed'] dt")).ToHaveTextAsync("Claimed");
        await Expect(page.Page.Locator("#batches caption")).ToContainTextAsync("Each batch");
        await Expect(page.BatchSelector.Locator("option[value='']")).ToHaveTextAsync("All batches");

        await page.Page.ReloadAsync();
        await Expect(page.Page.Locator("h1")).ToHaveTextAsync("Training voucher statistics");
        await Expect(page.Live).ToContainTextAsync("Live", new() { Timeout = 15_000 });
        await page.ScreenshotAsync("en");
        page.AssertNoErrors();
    }

    [Fact]
    public async Task AWrongKeyIsRefusedClearly()
    {
        await using var page = await fixture.NewHrPageAsync();
        await page.OpenAsync();
        await Expect(page.ApiKeyInput).ToBeFocusedAsync();

        await page.Page.Keyboard.TypeAsync(Demo.AdminGuangdong + ".wrong-secret");
        await page.Page.Keyboard.PressAsync("Enter");
        await Expect(page.SignInError).ToHaveTextAsync("密钥无效，请核对后重试。");

        await page.ApiKeyInput.FillAsync(Demo.ApiKey(Demo.ChannelNationalApp));
        await page.Page.Keyboard.PressAsync("Enter");
        await Expect(page.SignInError).ToHaveTextAsync("这不是管理员的密钥。");

        await page.ApiKeyInput.FillAsync("no dot in it");
        await page.Page.Keyboard.PressAsync("Enter");
        await Expect(page.SignInError).ToContainTextAsync("keyId.secret");
        await Expect(page.Dashboard).ToBeHiddenAsync();
        Assert.Null(await page.Page.EvaluateAsync<string?>("() => sessionStorage.getItem('vouchers.hr.apiKey')"));

        // Signing out forgets the key.
        await page.ApiKeyInput.FillAsync("");
        await page.SignInAsync(GuangdongKey);
        await page.Page.Locator("#sign-out").ClickAsync();
        await Expect(page.ApiKeyInput).ToBeFocusedAsync();
        Assert.Null(await page.Page.EvaluateAsync<string?>("() => sessionStorage.getItem('vouchers.hr.apiKey')"));
        page.AssertNoErrors();
    }

    [Fact]
    public async Task AProblemShowsItsDetailAndANetworkErrorIsRetriedQuietly()
    {
        await using var page = await fixture.NewHrPageAsync();
        await page.OpenAsync();
        await page.SignInAsync(GuangdongKey);
        await Expect(page.Live).ToContainTextAsync("实时", new() { Timeout = 15_000 });

        const string Detail = "Hourly and minute counts are kept per batch only.";
        await page.Page.RouteAsync(new Regex("groupBy=minute"), route => route.FulfillAsync(new()
        {
            Status = 400,
            ContentType = "application/problem+json",
            Body = $"{{\"title\":\"One or more validation errors occurred.\",\"status\":400,\"detail\":\"{Detail}\"}}",
        }));
        await Expect(page.Problem).ToHaveTextAsync(Detail, Soon);
        await page.Page.UnrouteAllAsync();
        await Expect(page.Problem).ToBeHiddenAsync(new() { Timeout = 15_000 });

        // The server out of reach: the figures stay, the page says it reconnects, and carries on by itself.
        await page.Page.RouteAsync(new Regex("/api/v1/admin/statistics"), route => route.AbortAsync());
        await Expect(page.Live).ToHaveTextAsync("正在重新连接…", Soon);
        await Expect(page.Figure("claimed")).ToBeVisibleAsync();
        await Expect(page.Problem).ToBeHiddenAsync();
        await page.Page.UnrouteAllAsync();
        await Expect(page.Live).ToContainTextAsync("实时", new() { Timeout = 15_000 });
        await Expect(page.Dashboard).ToBeVisibleAsync();
    }

    [Fact]
    public async Task TheShenzhenAdminDoesNotSeeAGuangdongBatch()
    {
        await channel.ClaimAsync(TestPerson.New(), Demo.BatchId);
        await using var page = await fixture.NewHrPageAsync();
        await page.OpenAsync();
        await page.SignInAsync(Demo.ApiKey(Demo.AdminShenzhen));

        await Expect(page.Live).ToContainTextAsync("实时", new() { Timeout = 15_000 });
        await Expect(page.Batches.Filter(new() { HasText = Demo.BatchId })).ToHaveCountAsync(0);
        await Expect(page.BatchSelector.Locator($"option[value='{Demo.BatchId}']")).ToHaveCountAsync(0);
        await Expect(page.Figure("claimed")).ToHaveTextAsync("0");
        page.AssertNoErrors();
    }

    private static async Task<int> FigureAsync(HrDashboardPage page, string name) =>
        int.Parse(await page.Figure(name).TextContentAsync() ?? "", NumberStyles.AllowThousands, CultureInfo.InvariantCulture);

    private static async Task<int> MinuteTotalAsync(HrDashboardPage page) =>
        int.Parse(await page.MinutesChart.GetAttributeAsync("data-total") ?? "", CultureInfo.InvariantCulture);
}
