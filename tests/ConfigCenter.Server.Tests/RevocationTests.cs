using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ConfigCenter.Contracts;
using ConfigCenter.Testing;
using Microsoft.AspNetCore.SignalR.Client;

namespace ConfigCenter.Server.Tests;

/// <summary>Revoking a client key or deleting its app ends what the key authorised at once, open hub connections included.</summary>
public sealed class RevocationTests(StandaloneServerFixture server) : IClassFixture<StandaloneServerFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Immediately = TimeSpan.FromSeconds(1);
    private ConfigCenterApiClient _api = null!;

    public async Task InitializeAsync()
    {
        _api = new ConfigCenterApiClient(await server.Host.CreateAdminClientAsync());
        await RecreateAppAsync();
    }

    public Task DisposeAsync()
    {
        _api.Http.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task RevokingAKey_ClosesItsOpenHubConnectionAndRefusesReconnecting()
    {
        var (id, key) = await CreateKeyAsync();
        await using var hub = await SubscribeAsync(key);
        var closed = ClosedSignal(hub);

        (await _api.Http.DeleteAsync($"/api/v1/apps/revoked/envs/dev/keys/{id}")).EnsureSuccessStatusCode();

        Assert.True(closed == await Task.WhenAny(closed, Task.Delay(Immediately)), "the hub connection is still open a second after the revoke");
        Assert.Equal(HubConnectionState.Disconnected, hub.State);
        await AssertRefusedAsync(key);
    }

    [Fact]
    public async Task DeletingTheApp_ClosesItsKeysConnectionsAndTheKeysDoNotReadARecreatedApp()
    {
        var (_, key) = await CreateKeyAsync();
        await using var hub = await SubscribeAsync(key);
        var closed = ClosedSignal(hub);

        (await _api.Http.DeleteAsync("/api/v1/apps/revoked")).EnsureSuccessStatusCode();

        Assert.True(closed == await Task.WhenAny(closed, Task.Delay(Immediately)), "the hub connection is still open a second after the delete");
        await RecreateAppAsync();
        await AssertRefusedAsync(key);
    }

    private async Task RecreateAppAsync()
    {
        await _api.Http.DeleteAsync("/api/v1/apps/revoked");
        await _api.CreateAppAsync("revoked", ("application", "properties"));
        (await _api.SetItemAsync("revoked", "dev", "application", "Secret", "s3")).EnsureSuccessStatusCode();
        await _api.PublishAsync("revoked", "dev", "application");
    }

    private async Task<(int Id, string Key)> CreateKeyAsync()
    {
        var response = await _api.Http.PostAsJsonAsync("/api/v1/apps/revoked/envs/dev/keys", new { name = "watcher" });
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return (body.GetProperty("id").GetInt32(), body.GetProperty("key").GetString()!);
    }

    private HubConnection Connect(string key) => new HubConnectionBuilder()
        .WithUrl(new Uri(server.Host.BaseAddress, ConfigHubRoutes.Hub), o => o.Headers[ConfigHubRoutes.ApiKeyHeader] = key)
        .Build();

    private async Task<HubConnection> SubscribeAsync(string key)
    {
        var hub = Connect(key);
        await hub.StartAsync();
        var documents = await hub.InvokeAsync<IReadOnlyList<ReleaseDocument>>(nameof(IConfigHub.Subscribe), "revoked", "dev",
            new[] { "application" }, new Dictionary<string, long>(), new ClientInstanceInfo { InstanceId = "revocation-test" });
        Assert.Equal("s3", Assert.Single(documents).Items["Secret"]);
        return hub;
    }

    private static Task ClosedSignal(HubConnection hub)
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        return closed.Task;
    }

    private async Task AssertRefusedAsync(string key)
    {
        await using var again = Connect(key);
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => again.StartAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        using var reader = server.Host.CreateHttpClient();
        reader.DefaultRequestHeaders.Add(ConfigHubRoutes.ApiKeyHeader, key);
        Assert.Equal(HttpStatusCode.Unauthorized, (await reader.GetAsync("/api/v1/config/dev/revoked/application")).StatusCode);
    }
}
