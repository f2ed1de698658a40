using System.Net.Http.Json;
using static Microsoft.Playwright.Assertions;

namespace ConfigCenter.E2E.Tests;

/// <summary>Two people editing one draft: the second save is refused and shows what the first changed.</summary>
[Collection(UiCollection.Name)]
public sealed class ConflictTests(UiFixture fixture)
{
    [Fact]
    public async Task SecondEditorSave_ShowsConflictWithTheOtherChange_AndNeverOverwrites()
    {
        using var api = await fixture.Server.CreateAdminClientAsync();
        (await api.PostAsJsonAsync("/api/v1/apps", new { id = "conflict", name = "Conflict" })).EnsureSuccessStatusCode();
        (await api.PostAsJsonAsync("/api/v1/apps/conflict/namespaces", new { name = "application", format = "properties" })).EnsureSuccessStatusCode();
        (await api.PutAsJsonAsync("/api/v1/apps/conflict/envs/dev/namespaces/application/items/Timeout", new { value = "30" })).EnsureSuccessStatusCode();

        var alice = await fixture.SignedInPageAsync();
        await alice.GotoAsync("/apps/conflict/dev/application");
        await alice.Locator("[data-testid=edit]").First.ClickAsync();
        // The key field takes the focus once the row opens; filling the value before that could type into the key.
        await Expect(alice.Locator("[data-testid=edit-key]")).ToBeFocusedAsync();
        await alice.FillAsync("[data-testid=edit-value]", "45");

        // Meanwhile someone else changes the same key through the API.
        (await api.PutAsJsonAsync("/api/v1/apps/conflict/envs/dev/namespaces/application/items/Timeout", new { value = "60" })).EnsureSuccessStatusCode();
        await Expect(alice.Locator("[data-testid=notice]")).ToBeVisibleAsync();

        await alice.PressAsync("[data-testid=edit-value]", "Enter");
        var conflict = alice.Locator("[data-testid=conflict]");
        await Expect(conflict).ToBeVisibleAsync();
        await Expect(conflict.Locator("[data-testid=diff-row]")).ToHaveAttributeAsync("data-key", "Timeout");
        await Expect(conflict.Locator("[data-testid=diff-row]")).ToContainTextAsync("60");
        await Expect(conflict.Locator("[data-testid=conflict-mine]")).ToContainTextAsync("Timeout = 45");
        await UiFixture.ShotAsync(alice, "15-conflict");

        var draft = await api.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/apps/conflict/envs/dev/namespaces/application");
        Assert.Equal("60", draft.GetProperty("items")[0].GetProperty("value").GetString());

        // Alice decides to apply her value on top, knowingly.
        await alice.ClickAsync("[data-testid=conflict-apply]");
        await Expect(alice.Locator("[data-testid=conflict]")).ToHaveCountAsync(0);
        await Expect(alice.Locator("[data-testid=row-value]").First).ToHaveTextAsync("45");
        await alice.Context.CloseAsync();
    }
}
