using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Vouchers.Browser.Tests.Infrastructure;
using Vouchers.Contracts;
using Vouchers.Http.Contracts;
using Vouchers.Testing.Gateway;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Vouchers.Browser.Tests;

/// <summary>
/// The institution verification page in a real headless Chromium against a real gateway: a clerk signs in, scans codes
/// with the keyboard (as a scan gun does) and enrols holders. Screenshots of each state go to the screenshot directory.
/// </summary>
public sealed class InstitutionPageTests(PageFixture fixture, ITestOutputHelper output) : IClassFixture<PageFixture>
{
    private const string Green = "rgb(11, 107, 46)";
    private const string Red = "rgb(179, 38, 30)";

    private static readonly TimeSpan ChinaTime = TimeSpan.FromHours(8);

    private readonly HttpClient admin = fixture.Gateway.ClientFor(Demo.AdminGuangdong);
    private readonly HttpClient channel = fixture.Gateway.ClientFor(Demo.ChannelNationalApp);
    private readonly HttpClient school = fixture.Gateway.ClientFor(Demo.InstitutionSzSkillsSchool);
    private readonly HttpClient college = fixture.Gateway.ClientFor(Demo.InstitutionGzTechCollege);

    private static string SchoolKey => Demo.ApiKey(Demo.InstitutionSzSkillsSchool);

    [Fact]
    public async Task SignInRefusesWrongKeysAndKeepsTheInstitutionKeyInThisTabOnly()
    {
        await using var page = await fixture.NewPageAsync();
        await page.OpenAsync();
        await Expect(page.Page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        await Expect(page.ApiKeyInput).ToBeFocusedAsync();
        await page.ScreenshotAsync("sign-in");

        await page.Page.Keyboard.TypeAsync(Demo.InstitutionSzSkillsSchool + ".wrong-secret");
        await page.Page.Keyboard.PressAsync("Enter");
        await Expect(page.SignInError).ToHaveTextAsync("密钥无效，请核对后重试。");
        await Expect(page.ApiKeyInput).ToBeFocusedAsync();

        await page.ApiKeyInput.FillAsync(Demo.ApiKey(Demo.ChannelNationalApp));
        await page.Page.Keyboard.PressAsync("Enter");
        await Expect(page.SignInError).ToHaveTextAsync("这不是培训机构的密钥。");

        await page.ApiKeyInput.FillAsync("no dot in it");
        await page.Page.Keyboard.PressAsync("Enter");
        await Expect(page.SignInError).ToContainTextAsync("keyId.secret");

        await page.ApiKeyInput.FillAsync("");
        await page.SignInAsync(SchoolKey);
        await Expect(page.Institution).ToHaveTextAsync("深圳市职业技能训练学校");
        await page.ExpectVerdictAsync("idle", "idle");
        await Expect(page.ApiKeyInput).ToHaveValueAsync("");

        // The key is in sessionStorage, never in localStorage or the address; a reload keeps the clerk signed in.
        Assert.Equal(SchoolKey, await page.Page.EvaluateAsync<string?>("() => sessionStorage.getItem('vouchers.institution.apiKey')"));
        var local = await page.Page.EvaluateAsync<string>("() => JSON.stringify({ ...localStorage })");
        Assert.DoesNotContain("demo-" + Demo.InstitutionSzSkillsSchool, local, StringComparison.Ordinal);
        Assert.DoesNotContain("demo-", page.Page.Url, StringComparison.Ordinal);
        await page.Page.ReloadAsync();
        await Expect(page.Institution).ToHaveTextAsync("深圳市职业技能训练学校");
        await page.ExpectFocusInCodeInputAsync();

        // Signing out forgets the key.
        await page.Page.Locator("#sign-out").ClickAsync();
        await Expect(page.ApiKeyInput).ToBeFocusedAsync();
        Assert.Null(await page.Page.EvaluateAsync<string?>("() => sessionStorage.getItem('vouchers.institution.apiKey')"));
        await page.Page.ReloadAsync();
        await Expect(page.ApiKeyInput).ToBeVisibleAsync();
        page.AssertNoErrors();
    }

    [Fact]
    public async Task ValidCodeShowsAGreenVerdictWithProgramAmountMaskedHolderAndExpiryAtOnce()
    {
        var person = TestPerson.New();
        var voucher = await channel.ClaimAsync(person, Demo.BatchId);
        await using var page = await fixture.NewPageAsync();
        await page.OpenAsync();
        await page.SignInAsync(SchoolKey);

        // Typed by hand: lower case, in groups with hyphens; the page reads it as the code.
        var typed = string.Join("-", voucher.Code.ToLowerInvariant().Chunk(4).Select(c => new string(c)));
        await page.ScanAsync(typed);

        await page.ExpectVerdictAsync("valid", "valid");
        await Expect(page.VerdictTitle).ToHaveTextAsync("有效");
        Assert.Equal(Green, await page.VerdictBackgroundAsync());
        await Expect(page.Facts).ToContainTextAsync(Demo.ProgramId);
        await Expect(page.Facts).ToContainTextAsync("¥1,500.00");
        await Expect(page.Facts).ToContainTextAsync(voucher.HolderName);
        await Expect(page.Facts).ToContainTextAsync(voucher.HolderIdNumber);
        await Expect(page.Facts).ToContainTextAsync(voucher.ExpiresAt.ToOffset(ChinaTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await Expect(page.UseButton).ToBeVisibleAsync();
        await Expect(page.UseButton).ToHaveTextAsync("登记使用（F2）");
        await page.ExpectFocusInCodeInputAsync();
        await Expect(page.CodeInput).ToHaveValueAsync("");

        // Within a blink (measured by the page from Enter to the shown verdict; generous for a busy 2-core box).
        var milliseconds = await page.VerdictMillisecondsAsync();
        output.WriteLine($"Enter to green verdict: {milliseconds} ms");
        Assert.InRange(milliseconds, 0, 1500);

        // Only masked data reaches the page; every call names this device with an id kept across loads.
        var html = await page.Page.ContentAsync();
        Assert.DoesNotContain(person.IdNumber, html, StringComparison.Ordinal);
        Assert.DoesNotContain(person.Name, html, StringComparison.Ordinal);
        var lookup = Assert.Single(page.Lookups);
        var deviceId = await lookup.HeaderValueAsync("x-device-id");
        Assert.Matches("^[0-9a-f]{32}$", deviceId);
        Assert.Equal($"{{\"code\":\"{voucher.Code}\"}}", lookup.PostData);
        await page.ScreenshotAsync("valid");

        await page.Page.ReloadAsync();
        await page.ExpectFocusInCodeInputAsync();
        await page.ScanAsync(voucher.Code);
        Assert.Equal(deviceId, await page.Lookups[^1].HeaderValueAsync("x-device-id"));
        page.AssertNoErrors();
    }

    [Fact]
    public async Task CodeNoVoucherHasShowsARedUnknown()
    {
        await using var page = await fixture.NewPageAsync();
        await page.OpenAsync();
        await page.SignInAsync(SchoolKey);

        await page.ScanAsync(VoucherApi.UnknownCode());

        await page.ExpectVerdictAsync("unknown", "invalid");
        await Expect(page.VerdictTitle).ToHaveTextAsync("无此券");
        Assert.Equal(Red, await page.VerdictBackgroundAsync());
        await Expect(page.UseButton).ToBeHiddenAsync();
        await Expect(page.Facts).ToBeEmptyAsync();
        await page.ExpectFocusInCodeInputAsync();
        Assert.Single(page.Lookups);
        await page.ScreenshotAsync("unknown");
        page.AssertNoErrors();
    }

    [Fact]
    public async Task MistypedCodeIsCaughtByItsCheckCharacterOnThePageWithoutALookup()
    {
        var voucher = await channel.ClaimAsync(TestPerson.New(), Demo.BatchId);
        var mistyped = voucher.Code[..^1] + (voucher.Code[^1] == '0' ? '1' : '0');
        await using var page = await fixture.NewPageAsync();
        await page.OpenAsync();
        await page.SignInAsync(SchoolKey);

        await page.ScanAsync(mistyped);

        await page.ExpectVerdictAsync("mistyped", "invalid");
        await Expect(page.VerdictTitle).ToHaveTextAsync("券码有误");
        await Expect(page.VerdictReason).ToContainTextAsync("校验位不符");
        await Expect(page.VerdictReason).ToContainTextAsync("重新扫描");
        Assert.Equal(Red, await page.VerdictBackgroundAsync());
        Assert.Empty(page.Lookups);
        await page.ExpectFocusInCodeInputAsync();
        await page.ScreenshotAsync("mistyped");

        // The rescan reads right.
        await page.ScanAsync(voucher.Code);
        await page.ExpectVerdictAsync("valid", "valid");
        page.AssertNoErrors();
    }

    [Fact]
    public async Task InputThatIsNoCodeAtAllSaysSoWithoutALookup()
    {
        await using var page = await fixture.NewPageAsync();
        await page.OpenAsync();
        await page.SignInAsync(SchoolKey);

        foreach (var junk in new[] { "HELLO", "https://example.org/voucher?id=42", "1234567890123456789012" })
        {
            await page.ScanAsync(junk);
            await page.ExpectVerdictAsync("malformed", "invalid");
            await Expect(page.VerdictTitle).ToHaveTextAsync("不是券码");
            await page.ExpectFocusInCodeInputAsync();
        }

        Assert.Empty(page.Lookups);
        page.AssertNoErrors();
    }

    [Fact]
    public async Task VouchersThatCannotBeUsedHereSayWhyInRed()
    {
        var usedElsewhere = await channel.ClaimAsync(TestPerson.New(), Demo.BatchId);
        Assert.Equal(HttpStatusCode.OK, (await college.PostAsync($"/api/v1/institution/vouchers/{usedElsewhere.Code}/use", null)).StatusCode);
        var collegeOnly = await admin.CreateActiveBatchAsync(VoucherApi.NewBatch() with { EligibleInstitutionIds = [Demo.GzTechCollege] });
        var notHere = await channel.ClaimAsync(TestPerson.New(), collegeOnly.Id);
        var returner = TestPerson.New();
        var returned = await channel.ClaimAsync(returner, Demo.BatchId);
        var returnResponse = await channel.PostJsonAsync($"/api/v1/channel/vouchers/{returned.Code}/return",
            new ReturnRequest(returner.IdNumber, VoucherApi.FreshAttestation()));
        Assert.Equal(HttpStatusCode.OK, returnResponse.StatusCode);

        await using var page = await fixture.NewPageAsync();
        await page.OpenAsync();
        await page.SignInAsync(SchoolKey);

        await page.ScanAsync(usedElsewhere.Code);
        await page.ExpectVerdictAsync("alreadyUsed", "invalid");
        await Expect(page.VerdictTitle).ToHaveTextAsync("已使用");
        await Expect(page.VerdictReason).ToHaveTextAsync("此券已在其他机构登记使用");
        await Expect(page.Facts).ToBeEmptyAsync();
        Assert.Equal(Red, await page.VerdictBackgroundAsync());
        await Expect(page.UseButton).ToBeHiddenAsync();

        await page.ScanAsync(notHere.Code);
        await page.ExpectVerdictAsync("notForThisInstitution", "invalid");
        await Expect(page.VerdictTitle).ToHaveTextAsync("本机构不可用");
        await page.ScreenshotAsync("not-valid-here");

        await page.ScanAsync(returned.Code);
        await page.ExpectVerdictAsync("returned", "invalid");
        await Expect(page.VerdictTitle).ToHaveTextAsync("已退券");

        // F2 on a red verdict enrols nothing and says why.
        await page.Page.Keyboard.PressAsync("F2");
        await Expect(page.Note).ToHaveTextAsync("没有可登记的有效券：请先扫描一张有效券。");
        await page.ExpectFocusInCodeInputAsync();
        Assert.Equal(["returned", "notForThisInstitution", "alreadyUsed"], await page.HistoryVerdictsAsync());
        page.AssertNoErrors();
    }

    [Fact]
    public async Task EnrolShortcutUsesTheVoucherAndARescanSaysItWasUsedHere()
    {
        var first = await channel.ClaimAsync(TestPerson.New(), Demo.BatchId);
        var second = await channel.ClaimAsync(TestPerson.New(), Demo.BatchId);
        var third = await channel.ClaimAsync(TestPerson.New(), Demo.BatchId);
        await using var page = await fixture.NewPageAsync();
        await page.OpenAsync();
        await page.SignInAsync(SchoolKey);

        await page.ScanAsync(first.Code);
        await page.ExpectVerdictAsync("valid", "valid");
        await page.PressUseAsync("F2");
        await page.ExpectVerdictAsync("enrolled", "valid");
        await Expect(page.VerdictTitle).ToHaveTextAsync("已登记使用");
        await Expect(page.Facts).ToContainTextAsync("· 本机构");
        await Expect(page.UseButton).ToBeHiddenAsync();
        await page.ExpectFocusInCodeInputAsync();
        await page.ScreenshotAsync("enrolled");

        // The engine agrees: the voucher is bound to this school (the college learns the verdict only).
        var check = await school.VerifyAsync(first.Code);
        Assert.Equal(VerifyVerdict.AlreadyUsed, check.Verdict);
        Assert.Equal(Demo.SzSkillsSchool, check.Voucher?.InstitutionId);
        Assert.Equal((VerifyVerdict.AlreadyUsed, null), ((await college.VerifyAsync(first.Code)).Verdict, (await college.VerifyAsync(first.Code)).Voucher));

        await page.ScanAsync(first.Code);
        await page.ExpectVerdictAsync("alreadyUsed", "invalid");
        await Expect(page.VerdictReason).ToContainTextAsync("在本机构登记使用");
        Assert.Equal(Red, await page.VerdictBackgroundAsync());
        await page.ScreenshotAsync("already-used");

        // Control+Enter is the other shortcut, and the button works for a mouse too; focus comes back to the input.
        await page.ScanAsync(second.Code);
        await page.PressUseAsync("Control+Enter");
        await page.ExpectVerdictAsync("enrolled", "valid");
        await page.ScanAsync(third.Code);
        var before = await page.HistoryItems.CountAsync();
        await page.UseButton.ClickAsync();
        await Expect(page.HistoryItems).ToHaveCountAsync(before + 1);
        await page.ExpectVerdictAsync("enrolled", "valid");
        await page.ExpectFocusInCodeInputAsync();
        Assert.Equal(VerifyVerdict.AlreadyUsed, (await school.VerifyAsync(third.Code)).Verdict);

        Assert.Equal(["enrolled", "valid", "enrolled", "valid", "alreadyUsed", "enrolled", "valid"], await page.HistoryVerdictsAsync());
        page.AssertNoErrors();
    }

    [Fact]
    public async Task HistoryListsThisSessionsScansNewestFirstWithTimeMaskedCodeAndVerdict()
    {
        var voucher = await channel.ClaimAsync(TestPerson.New(), Demo.BatchId);
        var unknown = VoucherApi.UnknownCode();
        await using var page = await fixture.NewPageAsync();
        await page.OpenAsync();
        await page.SignInAsync(SchoolKey);
        await Expect(page.Page.Locator("#history-empty")).ToBeVisibleAsync();

        await page.ScanAsync(voucher.Code);
        await page.ScanAsync(unknown);
        await page.ScanAsync("NOT-A-CODE");

        Assert.Equal(["malformed", "unknown", "valid"], await page.HistoryVerdictsAsync());
        await Expect(page.Page.Locator("#history-empty")).ToBeHiddenAsync();
        await Expect(page.Page.Locator("#history-count")).ToHaveTextAsync("3 条");
        var newest = page.HistoryItems.Nth(0);
        await Expect(newest.Locator(".badge")).ToHaveTextAsync("不是券码");
        var oldest = page.HistoryItems.Nth(2);
        await Expect(oldest.Locator(".badge")).ToHaveTextAsync("有效");
        await Expect(oldest.Locator("time")).ToHaveTextAsync(InstitutionPage.ClockTime());
        var masked = voucher.Code[..4] + new string('•', 9) + voucher.Code[^4..];
        await Expect(oldest.Locator(".h-code")).ToHaveTextAsync(masked);
        await Expect(page.HistoryItems.Nth(1).Locator(".h-code")).ToHaveTextAsync(unknown[..4] + new string('•', 9) + unknown[^4..]);
        var historyText = await page.Page.Locator("#history").InnerTextAsync();
        Assert.DoesNotContain(voucher.Code, historyText, StringComparison.Ordinal);

        // Signing out clears the history.
        await page.Page.Locator("#sign-out").ClickAsync();
        await page.SignInAsync(SchoolKey);
        await Expect(page.HistoryItems).ToHaveCountAsync(0);
        page.AssertNoErrors();
    }

    [Fact]
    public async Task LanguageToggleShowsEnglishAndTheChoiceIsRemembered()
    {
        var voucher = await channel.ClaimAsync(TestPerson.New(), Demo.BatchId);
        var usedElsewhere = await channel.ClaimAsync(TestPerson.New(), Demo.BatchId);
        Assert.Equal(HttpStatusCode.OK, (await college.PostAsync($"/api/v1/institution/vouchers/{usedElsewhere.Code}/use", null)).StatusCode);
        await using var page = await fixture.NewPageAsync();
        await page.OpenAsync();
        await Expect(page.Page.Locator("h1")).ToHaveTextAsync("培训券核验");
        await page.SignInAsync(SchoolKey);
        await page.ScanAsync(usedElsewhere.Code);
        await page.ScanAsync(voucher.Code);
        await Expect(page.VerdictTitle).ToHaveTextAsync("有效");

        await page.Page.Keyboard.PressAsync("Alt+L");

        await Expect(page.Page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(page.Page).ToHaveTitleAsync("Training voucher verification");
        await Expect(page.Page.Locator("h1")).ToHaveTextAsync("Training voucher verification");
        await Expect(page.Page.Locator("label[for=code]")).ToHaveTextAsync("Scan or type a code, then press Enter");
        await Expect(page.VerdictTitle).ToHaveTextAsync("VALID");
        await Expect(page.UseButton).ToHaveTextAsync("Enrol holder (F2)");
        await Expect(page.Facts).ToContainTextAsync("Subsidy");
        await Expect(page.HistoryItems.Nth(1).Locator(".badge")).ToHaveTextAsync("ALREADY USED");
        await Expect(page.Page.Locator("#lang")).ToHaveTextAsync("中文");
        await page.ExpectFocusInCodeInputAsync();
        await page.ScreenshotAsync("english");

        // Remembered across loads (the key too, for this tab); the toggle button goes back to Chinese.
        await page.Page.ReloadAsync();
        await Expect(page.Page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await page.ScanAsync(VoucherApi.UnknownCode());
        await Expect(page.VerdictTitle).ToHaveTextAsync("UNKNOWN CODE");
        await page.Page.Locator("#lang").ClickAsync();
        await Expect(page.Page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        await Expect(page.VerdictTitle).ToHaveTextAsync("无此券");
        await page.ExpectFocusInCodeInputAsync();
        page.AssertNoErrors();
    }

    [Fact]
    public async Task KeyboardOnlyRunSignsInScansEnrolsAndRescansWithoutAMouse()
    {
        var voucher = await channel.ClaimAsync(TestPerson.New(), Demo.BatchId);
        await using var page = await fixture.NewPageAsync();
        var keyboard = page.Page.Keyboard;
        await page.OpenAsync();

        await page.SignInAsync(SchoolKey);
        await page.ScanAsync(voucher.Code);
        await page.ExpectVerdictAsync("valid", "valid");
        await page.ExpectFocusInCodeInputAsync();

        await page.PressUseAsync("F2");
        await page.ExpectVerdictAsync("enrolled", "valid");
        await page.ExpectFocusInCodeInputAsync();

        // Focus wanders to the verify button (Tab); the next scan still lands in the input.
        await keyboard.PressAsync("Tab");
        await Expect(page.Page.Locator("#verify")).ToBeFocusedAsync();
        await page.ScanAsync(voucher.Code);
        await page.ExpectVerdictAsync("alreadyUsed", "invalid");
        await page.ExpectFocusInCodeInputAsync();

        // Escape clears a half-typed code; Alt+L switches the language; focus stays put.
        await keyboard.TypeAsync("ABC");
        await keyboard.PressAsync("Escape");
        await Expect(page.CodeInput).ToHaveValueAsync("");
        await keyboard.PressAsync("Alt+L");
        await Expect(page.VerdictTitle).ToHaveTextAsync("ALREADY USED");
        await page.ExpectFocusInCodeInputAsync();

        // The class field sits just before the scan input (Shift+Tab); Enter there sends focus back to the scan input.
        await keyboard.PressAsync("Shift+Tab");
        await Expect(page.Page.Locator("#class-id")).ToBeFocusedAsync();
        await keyboard.PressAsync("Enter");
        await page.ExpectFocusInCodeInputAsync();
        Assert.Equal(["alreadyUsed", "enrolled", "valid"], await page.HistoryVerdictsAsync());
        page.AssertNoErrors();
    }

    [Fact]
    public async Task TooManyFailedLookupsShowTheWaitInsteadOfAVerdict()
    {
        var apiKey = await NewInstitutionKeyAsync();
        using var guesser = fixture.Gateway.ClientWithKey(apiKey);
        var refused = false;
        for (var i = 0; i < 200 && !refused; i++)
        {
            var response = await guesser.PostJsonAsync("/api/v1/institution/verifications", new VerifyRequest(VoucherApi.UnknownCode()));
            refused = response.StatusCode == HttpStatusCode.TooManyRequests;
        }

        Assert.True(refused, "The gateway never refused the guesser.");
        await using var page = await fixture.NewPageAsync();
        await page.OpenAsync();
        await page.SignInAsync(apiKey);

        await page.ScanAsync(VoucherApi.UnknownCode());

        await page.ExpectVerdictAsync("tooMany", "wait");
        await Expect(page.VerdictTitle).ToHaveTextAsync("请稍候");
        await Expect(page.VerdictReason).ToHaveTextAsync(new Regex("^查找失败的券码过多，\\d+ 秒后可继续核验$"));
        await page.ExpectFocusInCodeInputAsync();
        await page.ScreenshotAsync("wait");

        // While the wait lasts the page answers by itself and spends no lookup.
        var lookups = page.Lookups.Count;
        await page.ScanAsync(VoucherApi.UnknownCode());
        await page.ExpectVerdictAsync("tooMany", "wait");
        Assert.Equal(lookups, page.Lookups.Count);
        page.AssertNoErrors();
    }

    /// <summary>A new institution of the Guangdong admin with a key of its own, so its failed lookups touch no other test.</summary>
    private async Task<string> NewInstitutionKeyAsync()
    {
        var id = $"page-test-{Guid.NewGuid():N}"[..24];
        var created = await admin.PostJsonAsync("/api/v1/admin/institutions",
            new InstitutionRequest(id, "页面测试培训学校", "440304", "深圳市福田区", 22.54, 114.05, 300));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var issued = await admin.PostJsonAsync("/api/v1/admin/api-keys", new ApiKeyRequest("institution", id, "页面测试培训学校"));
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        return (await issued.Content.ReadFromJsonAsync<ApiKeyResponse>(VoucherApi.Json))!.ApiKey!;
    }
}
