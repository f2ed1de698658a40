using System.Net;
using System.Net.Http.Json;
using ConfigCenter.Testing;

namespace ConfigCenter.Server.Tests.Authorization;

/// <summary>What each role may do, through the real API: editing and publishing are separate rights.</summary>
public sealed class RoleTests(StandaloneServerFixture server) : IClassFixture<StandaloneServerFixture>, IAsyncLifetime
{
    private const string Password = "role-test-password-1";
    private ConfigCenterApiClient _admin = null!;

    public async Task InitializeAsync()
    {
        _admin = new ConfigCenterApiClient(await server.Host.CreateAdminClientAsync());
        foreach (var app in new[] { "shop", "billing" })
        {
            await _admin.Http.DeleteAsync($"/api/v1/apps/{app}");
            await _admin.CreateAppAsync(app, ("application", "properties"));
        }
    }

    public Task DisposeAsync()
    {
        _admin.Http.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Editor_EditsDrafts_ButCannotPublish()
    {
        using var editor = await UserAsync("editor", apps: [("shop", "Editor")]);
        var api = new ConfigCenterApiClient(editor);
        Assert.Equal(HttpStatusCode.Created, (await api.SetItemAsync("shop", "prod", "application", "A", "1")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await editor.PostAsJsonAsync(ConfigCenterApiClient.Ns("shop", "prod", "application") + "/releases", new { message = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.SetItemAsync("billing", "prod", "application", "A", "1")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await editor.GetAsync("/api/v1/apps/shop/envs/prod/keys")).StatusCode);
    }

    [Fact]
    public async Task Publisher_PublishesOnlyInTheirEnvironment_AndCannotEdit()
    {
        await _admin.SetAsync("shop", "prod", "application", "B", "2");
        await _admin.SetAsync("shop", "dev", "application", "B", "2");
        using var publisher = await UserAsync("publisher", publisher: [("prod", "shop")]);
        var api = new ConfigCenterApiClient(publisher);
        Assert.True(await api.PublishAsync("shop", "prod", "application") > 0);
        Assert.Equal(HttpStatusCode.Forbidden, (await publisher.PostAsJsonAsync(ConfigCenterApiClient.Ns("shop", "dev", "application") + "/releases", new { message = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await publisher.PostAsJsonAsync(ConfigCenterApiClient.Ns("billing", "prod", "application") + "/releases", new { message = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.SetItemAsync("shop", "prod", "application", "C", "3")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await publisher.GetAsync(ConfigCenterApiClient.Ns("shop", "prod", "application"))).StatusCode);
    }

    [Fact]
    public async Task EnvironmentWidePublisher_PublishesEveryApp()
    {
        await _admin.SetAsync("billing", "prod", "application", "D", "4");
        using var publisher = await UserAsync("prod-publisher", publisher: [("prod", null)]);
        Assert.True(await new ConfigCenterApiClient(publisher).PublishAsync("billing", "prod", "application") > 0);
    }

    [Fact]
    public async Task Viewer_ReadsOnlyTheirApp_AndSeesOnlyItInTheList()
    {
        using var viewer = await UserAsync("viewer", apps: [("shop", "Viewer")]);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync(ConfigCenterApiClient.Ns("shop", "prod", "application"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync(ConfigCenterApiClient.Ns("billing", "prod", "application"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await new ConfigCenterApiClient(viewer).SetItemAsync("shop", "prod", "application", "E", "5")).StatusCode);
        var apps = await new ConfigCenterApiClient(viewer).GetJsonAsync("/api/v1/apps");
        Assert.Equal("shop", Assert.Single(apps.EnumerateArray()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task Owner_ManagesMembersAndKeys_ButCannotPublish()
    {
        using var owner = await UserAsync("owner", apps: [("shop", "Owner")]);
        await _admin.CreateUserAsync("newcomer", Password);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.PutAsJsonAsync("/api/v1/apps/shop/members/newcomer", new { role = "Editor" })).StatusCode);
        using var newcomer = await server.Host.CreateUserClientAsync("newcomer", Password);
        Assert.Equal(HttpStatusCode.Created, (await new ConfigCenterApiClient(newcomer).SetItemAsync("shop", "dev", "application", "F", "6")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await owner.PostAsJsonAsync("/api/v1/apps/shop/envs/dev/keys", new { name = "by-owner" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await owner.PostAsJsonAsync(ConfigCenterApiClient.Ns("shop", "dev", "application") + "/releases", new { message = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await owner.PutAsJsonAsync("/api/v1/apps/billing/members/newcomer", new { role = "Editor" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await owner.PutAsJsonAsync("/api/v1/apps/shop/members/newcomer", new { role = "Emperor" })).StatusCode);
    }

    [Fact]
    public async Task ChangingRoles_EndsTheUsersSessions_AndTheNewRolesApplyAtOnce()
    {
        var id = await _admin.CreateUserAsync("changing", Password);
        await _admin.SetRolesAsync(id, false, [("shop", "Viewer")], []);
        using var before = await server.Host.CreateUserClientAsync("changing", Password);
        Assert.Equal(HttpStatusCode.OK, (await before.GetAsync("/api/v1/apps/shop")).StatusCode);

        await _admin.SetRolesAsync(id, false, [("billing", "Editor")], []);

        Assert.Equal(HttpStatusCode.Unauthorized, (await before.GetAsync("/api/v1/apps/shop")).StatusCode);
        using var after = await server.Host.CreateUserClientAsync("changing", Password);
        Assert.Equal(HttpStatusCode.Forbidden, (await after.GetAsync("/api/v1/apps/shop")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await new ConfigCenterApiClient(after).SetItemAsync("billing", "dev", "application", "G", "7")).StatusCode);
    }

    [Fact]
    public async Task DeletingAnApp_DropsItsMemberships_SoARecreatedAppStartsWithoutThem()
    {
        await _admin.CreateAppAsync("fleeting", ("application", "properties"));
        using var viewer = await UserAsync("fleeting-viewer", apps: [("fleeting", "Viewer")]);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/v1/apps/fleeting")).StatusCode);
        await _admin.DeleteAppAsync("fleeting");
        await _admin.CreateAppAsync("fleeting", ("application", "properties"));
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync("/api/v1/apps/fleeting")).StatusCode);
        await _admin.DeleteAppAsync("fleeting");
    }

    [Fact]
    public async Task SettingRoles_ForAnUnknownApp_Answers400NamingTheField()
    {
        var id = await _admin.CreateUserAsync("misassigned", Password);
        using var response = await _admin.Http.PutAsJsonAsync($"/api/v1/users/{id}/roles", new { isAdmin = false, apps = new[] { new { app = "nope", role = "Viewer" } } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("apps[0].app", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<HttpClient> UserAsync(string name, (string, string)[]? apps = null, (string, string?)[]? publisher = null)
    {
        var id = await _admin.CreateUserAsync(name, Password);
        await _admin.SetRolesAsync(id, false, apps ?? [], publisher ?? []);
        return await server.Host.CreateUserClientAsync(name, Password);
    }
}
