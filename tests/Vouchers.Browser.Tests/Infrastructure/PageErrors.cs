using Microsoft.Playwright;

namespace Vouchers.Browser.Tests.Infrastructure;

/// <summary>The script errors and content-security-policy refusals a page caused, collected while a test drives it.</summary>
public sealed class PageErrors
{
    private readonly List<string> errors = [];

    public PageErrors(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        page.Console += (_, message) =>
        {
            // A refused key (401) is logged by the browser as a failed load; anything else (a CSP refusal, a script error) is a bug.
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                errors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => errors.Add(error);
    }

    /// <summary>Fails on any script error or content-security-policy refusal the page caused.</summary>
    public void AssertNone() => Assert.True(errors.Count == 0, "The page logged errors:\n" + string.Join("\n", errors));
}
