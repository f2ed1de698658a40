using ConfigCenter.Testing;
using Microsoft.Playwright;

namespace ConfigCenter.E2E.Tests;

/// <summary>
/// One real etcd member, one real ConfigCenter server in etcd mode and one headless Debian Chromium, shared by
/// the E2E tests (starting them is most of the suite's time on two cores).
/// </summary>
public sealed class UiFixture : IAsyncLifetime
{
    public EtcdCluster Etcd { get; private set; } = default!;
    public ConfigCenterServerHost Server { get; private set; } = default!;
    public IPlaywright Playwright { get; private set; } = default!;
    public IBrowser Browser { get; private set; } = default!;

    public const int EtcdMaxRequestBytes = 512 * 1024;

    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        // A 512 KiB request limit (etcd's default is 1.5 MiB) lets a test make etcd refuse a release for good.
        Etcd = await EtcdCluster.StartAsync(1, arguments: _ => [$"--max-request-bytes={EtcdMaxRequestBytes}"]);
        Server = await ConfigCenterServerHost.StartAsync(Etcd.Endpoints);
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        // The distribution's Chromium: the suite never downloads a browser.
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox"],
        });
    }

    /// <summary>A fresh browser context (its own cookies) on the server, laptop-sized unless told otherwise.</summary>
    public async Task<IPage> NewPageAsync(int width = 1366, int height = 860)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Server.BaseAddress.ToString().TrimEnd('/'),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            AcceptDownloads = true,
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        return page;
    }

    /// <summary>A page signed in as the bootstrap admin through the sign-in form, on the dashboard.</summary>
    public async Task<IPage> SignedInPageAsync(int width = 1366, int height = 860)
    {
        var page = await NewPageAsync(width, height);
        await SignInAsync(page);
        return page;
    }

    public static async Task SignInAsync(IPage page)
    {
        await page.GotoAsync("/login");
        await page.FillAsync("#username", "admin");
        await page.FillAsync("#password", ConfigCenterServerHost.AdminPassword);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Dashboard");
    }

    /// <summary>
    /// Waits for a navigation; when it does not come, saves a screenshot named after the step and fails with
    /// the page's visible dialog and alert texts, so a failure says what the page showed instead.
    /// </summary>
    public static async Task WaitForNavigationAsync(IPage page, string urlGlob, string step)
    {
        try
        {
            await page.WaitForURLAsync(urlGlob);
        }
        catch (TimeoutException e)
        {
            await ShotAsync(page, $"failed-{step}");
            var shown = await page.Locator(".mud-dialog, .mud-alert, .mud-snackbar, .mud-input-helper-text").AllInnerTextsAsync();
            throw new TimeoutException($"{step}: the page stayed at {page.Url} instead of {urlGlob}; it showed: {string.Join(" | ", shown)}", e);
        }
    }

    public static Task ShotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, $"{name}.png"), FullPage = true });

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        Playwright?.Dispose();
        if (Server is not null) await Server.DisposeAsync();
        if (Etcd is not null) await Etcd.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class UiCollection : ICollectionFixture<UiFixture>
{
    public const string Name = "ui";
}
