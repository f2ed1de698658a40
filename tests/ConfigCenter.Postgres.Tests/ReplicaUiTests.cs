using System.Net.Http.Json;
using System.Text.Json;
using ConfigCenter.Contracts;
using ConfigCenter.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ConfigCenter.Server.Tests;

/// <summary>
/// The UI across replicas, in headless Chromium: pages served by replica B show what happens on replica A (publishes,
/// hub clients, draft edits) without a reload, and an edit on B over A's newer draft is a conflict, never an overwrite.
/// Here and not in ConfigCenter.E2E.Tests, whose hosts are on SQLite: one test process serves one store provider.
/// </summary>
public sealed class ReplicaUiTests(EtcdClusterFixture etcd, PostgresFixture postgres)
    : IClassFixture<EtcdClusterFixture>, IClassFixture<PostgresFixture>
{
    private static readonly string ScreenshotDirectory = Path.Combine(AppContext.BaseDirectory, "screenshots");

    [Fact]
    public async Task PagesOnReplicaB_ShowPublishesHubClientsAndDraftEditsOfReplicaA_Live_AndAnEditOnBOverAsNewerDraftConflicts()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        var prefix = EtcdClusterFixtureBase.NewPrefix();
        var starting = new[]
        {
            ConfigCenterServerHost.StartReplicaAsync(database, etcd.Endpoints, prefix),
            ConfigCenterServerHost.StartReplicaAsync(database, etcd.Endpoints, prefix),
        };
        using var playwright = await Playwright.CreateAsync();
        // The distribution's Chromium: the suite never downloads a browser.
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox"],
        });
        await using var a = await starting[0];
        await using var b = await starting[1];
        Directory.CreateDirectory(ScreenshotDirectory);

        var apiA = new ConfigCenterApiClient(await a.CreateAdminClientAsync());
        await apiA.CreateAppAsync("storefront", ("application", "properties"));
        var r1 = await apiA.PublishItemsAsync("storefront", "prod", "application", ("Timeout", "30"));

        // An admin's browser on B: the editor and the instances page of the namespace.
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = b.BaseAddress.ToString().TrimEnd('/'),
            ViewportSize = new ViewportSize { Width = 1366, Height = 860 },
        });
        var editor = await context.NewPageAsync();
        editor.SetDefaultTimeout(15_000);
        await SignInAsync(editor);
        await editor.GotoAsync("/apps/storefront/prod/application");
        await Expect(editor.Locator("[data-testid=live-revision]")).ToHaveTextAsync($"live r{r1}");
        var instances = await context.NewPageAsync();
        instances.SetDefaultTimeout(15_000);
        await instances.GotoAsync("/apps/storefront/prod/application/instances");
        await Expect(instances.Locator("[data-testid=live-revision]")).ToHaveTextAsync($"live r{r1}");

        // 1. A publish on A shows on B's open pages.
        var r2 = await apiA.PublishItemsAsync("storefront", "prod", "application", ("Timeout", "40"));
        await Expect(editor.Locator("[data-testid=live-revision]")).ToHaveTextAsync($"live r{r2}");
        await Expect(instances.Locator("[data-testid=live-revision]")).ToHaveTextAsync($"live r{r2}");
        // Delivered by whichever replica relays: B's banner does not keep calling it waiting.
        await Expect(editor.Locator("[data-testid=outbox-banner]")).ToHaveCountAsync(0);
        await ShotAsync(editor, "replicas-01-publish-on-a-live-on-b");

        // 2. A client connected to A's hub shows on B's instances page, with the revision it runs.
        var key = await apiA.CreateApiKeyAsync("storefront", "prod");
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(a.BaseAddress, ConfigHubRoutes.Hub), o => o.Headers[ConfigHubRoutes.ApiKeyHeader] = key)
            .Build();
        await hub.StartAsync();
        await hub.InvokeAsync<IReadOnlyList<ReleaseDocument>>(nameof(IConfigHub.Subscribe), "storefront", "prod",
            new[] { "application" }, new Dictionary<string, long> { ["application"] = r2 },
            new ClientInstanceInfo { InstanceId = "client-on-replica-a", Host = "shop-7", ProcessId = 4242, ClientVersion = "1.0.0" });
        var row = instances.Locator("[data-testid=instances] tr").Filter(new() { HasText = "client-on-replica-a" });
        await Expect(row).ToContainTextAsync("shop-7 (pid 4242)");
        await Expect(row).ToContainTextAsync("presence");
        // What it applies on A reaches B's page too.
        await hub.InvokeAsync(nameof(IConfigHub.Applied), "application", r2);
        await Expect(row).ToContainTextAsync($"r{r2} · up to date");
        // Connected to A, so B's page must not claim it for its own hub.
        await Expect(row.Locator("[title='Connected to this server replica\\'s hub']")).ToHaveCountAsync(0);
        await ShotAsync(instances, "replicas-02-hub-client-of-a-on-b");

        // 3. An edit begun on B while A saves a newer draft of the same key: B's editor is told at once, and B's save is
        // refused as a conflict showing A's value; the draft keeps A's value.
        await editor.BringToFrontAsync();
        await editor.Locator("[data-testid=edit]").First.ClickAsync();
        // The key field takes the focus once the row opens; filling the value before that could type into the key.
        await Expect(editor.Locator("[data-testid=edit-key]")).ToBeFocusedAsync();
        await editor.FillAsync("[data-testid=edit-value]", "45");
        await apiA.SetAsync("storefront", "prod", "application", "Timeout", "60");
        await Expect(editor.Locator("[data-testid=notice]")).ToBeVisibleAsync();
        await editor.PressAsync("[data-testid=edit-value]", "Enter");
        var conflict = editor.Locator("[data-testid=conflict]");
        await Expect(conflict).ToBeVisibleAsync();
        await Expect(conflict.Locator("[data-testid=diff-row]")).ToHaveAttributeAsync("data-key", "Timeout");
        await Expect(conflict.Locator("[data-testid=diff-row]")).ToContainTextAsync("60");
        await Expect(conflict.Locator("[data-testid=conflict-mine]")).ToContainTextAsync("Timeout = 45");
        await ShotAsync(editor, "replicas-03-conflict-on-b");
        var draft = await apiA.Http.GetFromJsonAsync<JsonElement>(ConfigCenterApiClient.Ns("storefront", "prod", "application"));
        Assert.Equal("60", draft.GetProperty("items")[0].GetProperty("value").GetString());
    }

    private static async Task SignInAsync(IPage page)
    {
        await page.GotoAsync("/login");
        await page.FillAsync("#username", "admin");
        await page.FillAsync("#password", ConfigCenterServerHost.AdminPassword);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Dashboard");
    }

    private static Task ShotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, $"{name}.png"), FullPage = true });
}
