using System.Net.Http.Json;
using System.Text;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ConfigCenter.E2E.Tests;

/// <summary>The /audit page (filters, paging, CSV export) and the Content-Security-Policy under which every main page works.</summary>
[Collection(UiCollection.Name)]
public sealed class AuditAndCspTests(UiFixture fixture)
{
    [Fact]
    public async Task MainPages_WorkUnderTheCsp_WithoutASingleViolation()
    {
        using var api = await fixture.Server.CreateAdminClientAsync();
        (await api.PostAsJsonAsync("/api/v1/apps", new { id = "cspapp", name = "CSP app" })).EnsureSuccessStatusCode();
        (await api.PostAsJsonAsync("/api/v1/apps/cspapp/namespaces", new { name = "application", format = "properties" })).EnsureSuccessStatusCode();
        (await api.PutAsJsonAsync("/api/v1/apps/cspapp/envs/dev/namespaces/application/items/Greeting", new { value = "hi" })).EnsureSuccessStatusCode();

        var page = await fixture.NewPageAsync();
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) violations.Add($"{page.Url}: {message.Text}");
        };
        // Playwright's init scripts are not subject to the page's CSP; they record what the page itself runs into.
        await page.AddInitScriptAsync("""
            window.__cspViolations = [];
            document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
            """);
        await UiFixture.SignInAsync(page);
        await CollectAsync(page, violations);
        foreach (var (path, ready) in new[]
                 {
                     ("/apps", "Apps"), ("/apps/cspapp", "CSP app"), ("/apps/cspapp/dev/application", "Greeting"),
                     ("/apps/cspapp/dev/application/history", "History"), ("/services", "Services"), ("/audit", "Audit"), ("/", "Dashboard"),
                 })
        {
            await page.GotoAsync(path);
            await Expect(page.Locator("main, .mud-main-content").First).ToContainTextAsync(ready);
            // An interactive round trip over the circuit's WebSocket: the drawer toggle re-renders through the circuit.
            await page.GetByRole(AriaRole.Button, new() { Name = "Toggle dark theme" }).ClickAsync();
            await CollectAsync(page, violations);
        }
        var response = await page.GotoAsync("/apps");
        Assert.Contains("frame-ancestors 'none'", (await response!.AllHeadersAsync())["content-security-policy"], StringComparison.Ordinal);

        Assert.True(violations.Count == 0, string.Join("\n", violations));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task AuditPage_FiltersPagesAndExportsTheFilteredSet_AsSafeCsv()
    {
        using var api = await fixture.Server.CreateAdminClientAsync();
        var app = $"audit{Guid.NewGuid().ToString("N")[..6]}";
        (await api.PostAsJsonAsync("/api/v1/apps", new { id = app, name = "Audited app" })).EnsureSuccessStatusCode();
        (await api.PostAsJsonAsync($"/api/v1/apps/{app}/namespaces", new { name = "application", format = "properties" })).EnsureSuccessStatusCode();
        for (var i = 0; i < 30; i++)
            (await api.PutAsJsonAsync($"/api/v1/apps/{app}/envs/dev/namespaces/application/items/Key{i}", new { value = i == 0 ? "=1+2" : $"v{i}" })).EnsureSuccessStatusCode();
        using (var anonymous = fixture.Server.CreateHttpClient())
            await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { username = "=HYPERLINK(\"http://evil.example\",\"x\")", password = "wrong-password" });

        var page = await fixture.SignedInPageAsync();
        await page.GotoAsync("/audit");
        await Expect(page.Locator("[data-testid=audit-chain]")).ToContainTextAsync("Chain intact");
        await Input(page, "filter-app").FillAsync(app);
        await Input(page, "filter-action").FillAsync("item");
        await page.Locator("[data-testid=filter-apply]").ClickAsync();
        var table = page.Locator("[data-testid=audit-table]");
        await Expect(table.Locator("tbody tr")).ToHaveCountAsync(25);
        await Expect(table).ToContainTextAsync("1-25 of 30");
        await Expect(table).ToContainTextAsync($"{app}/dev/application/Key29");
        await UiFixture.ShotAsync(page, "30-audit");
        await table.GetByRole(AriaRole.Button, new() { Name = "Next page" }).ClickAsync();
        await Expect(table.Locator("tbody tr")).ToHaveCountAsync(5);
        await Expect(table).ToContainTextAsync($"{app}/dev/application/Key0");

        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-testid=audit-export]").ClickAsync());
        var path = await download.PathAsync();
        var rows = ParseCsv(await File.ReadAllTextAsync(path, Encoding.UTF8));
        Assert.Equal(["id", "at", "actor", "address", "action", "target", "detail", "before", "after"], rows[0]);
        Assert.Equal(31, rows.Count);
        Assert.All(rows.Skip(1), r => Assert.Equal("item.add", r[4]));
        Assert.Equal($"{app}/dev/application/Key0", rows[1][5]);
        Assert.Equal("""{"key":"Key0","value":"=1+2","comment":"","secret":false}""", rows[1][8]);

        // The whole trail, with the failed sign-in whose user name is a formula: exported with a leading apostrophe.
        using var csv = await api.GetAsync("/api/v1/audit/export.csv?action=auth.signin.failed");
        var failed = ParseCsv(await csv.Content.ReadAsStringAsync());
        Assert.Contains(failed, r => r[2] == "'=HYPERLINK(\"http://evil.example\",\"x\")");
        Assert.DoesNotContain(failed.Skip(1), r => r[2].StartsWith('='));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ChangeMadeInTheUi_IsAuditedWithTheUserAndTheirAddress()
    {
        var app = $"uiaudit{Guid.NewGuid().ToString("N")[..6]}";
        var page = await fixture.SignedInPageAsync();
        await page.GotoAsync("/apps");
        await page.ClickAsync("[data-testid=create-app]");
        await page.FillAsync("[data-testid=app-id]", app);
        await page.FillAsync("[data-testid=app-name]", "From the UI");
        await Expect(page.Locator("[data-testid=create-app-submit]")).ToBeEnabledAsync();
        await page.ClickAsync("[data-testid=create-app-submit]");
        await UiFixture.WaitForNavigationAsync(page, $"**/apps/{app}", "create-app");

        using var api = await fixture.Server.CreateAdminClientAsync();
        var entries = System.Text.Json.JsonDocument.Parse(await api.GetStringAsync($"/api/v1/audit?action=app.create&app={app}")).RootElement;
        var entry = Assert.Single(entries.EnumerateArray());
        Assert.Equal("admin", entry.GetProperty("actor").GetString());
        Assert.Equal("127.0.0.1", entry.GetProperty("address").GetString());
        await page.Context.CloseAsync();
    }

    /// <summary>The input of a MudTextField, whichever element its data-testid lands on.</summary>
    private static ILocator Input(IPage page, string testId) =>
        page.Locator($"[data-testid={testId}]").Locator("xpath=descendant-or-self::input").First;

    private static async Task CollectAsync(IPage page, List<string> violations)
    {
        var seen = await page.EvaluateAsync<string[]>("() => window.__cspViolations || []");
        violations.AddRange(seen.Select(v => $"{page.Url}: {v}"));
        await page.EvaluateAsync("() => { window.__cspViolations = []; }");
    }

    /// <summary>RFC 4180: quoted fields, doubled quotes, CRLF records.</summary>
    private static List<string[]> ParseCsv(string text)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(field.ToString()); field.Clear(); }
            else if (c == '\r') { }
            else if (c == '\n') { row.Add(field.ToString()); field.Clear(); rows.Add([.. row]); row.Clear(); }
            else field.Append(c);
        }
        if (field.Length > 0 || row.Count > 0) { row.Add(field.ToString()); rows.Add([.. row]); }
        return rows;
    }
}
