using System.Net;
using System.Net.Http.Json;
using ConfigCenter.Testing;

namespace ConfigCenter.Server.Tests;

/// <summary>Concurrent writers never share a revision and never lose an edit.</summary>
public sealed class ConcurrencyTests(StandaloneServerFixture server) : IClassFixture<StandaloneServerFixture>
{
    [Fact]
    public async Task ConcurrentEdits_WithoutIfMatch_AllLand()
    {
        var api = new ConfigCenterApiClient(await server.Host.CreateAdminClientAsync());
        await api.CreateAppAsync("busy", ("application", "properties"));
        var responses = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => api.SetItemAsync("busy", "dev", "application", $"Key{i}", $"{i}")));
        Assert.All(responses, r => Assert.True(r.IsSuccessStatusCode, r.StatusCode.ToString()));
        var draft = await api.GetJsonAsync(ConfigCenterApiClient.Ns("busy", "dev", "application"));
        Assert.Equal(24, draft.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task ConcurrentPublishes_OfOneNamespace_GetDistinctConsecutiveRevisions()
    {
        var api = new ConfigCenterApiClient(await server.Host.CreateAdminClientAsync());
        await api.CreateAppAsync("racy", ("application", "properties"));
        var revisions = new List<long>();
        var conflicts = 0;
        await Task.WhenAll(Enumerable.Range(0, 12).Select(async i =>
        {
            (await api.SetItemAsync("racy", "dev", "application", $"Key{i}", "v")).EnsureSuccessStatusCode();
            var response = await api.Http.PostAsJsonAsync($"{ConfigCenterApiClient.Ns("racy", "dev", "application")}/releases", new { message = $"m{i}" });
            if (response.StatusCode == HttpStatusCode.Conflict)
            {
                // Another publish already took this draft state: "nothing to publish" is the right answer.
                Interlocked.Increment(ref conflicts);
                return;
            }
            response.EnsureSuccessStatusCode();
            var revision = (await response.Content.ReadFromJsonAsync<Revision>())!.revision;
            lock (revisions) revisions.Add(revision);
        }));
        revisions.Sort();
        Assert.Equal(Enumerable.Range(1, revisions.Count).Select(r => (long)r), revisions);
        Assert.Equal(12, revisions.Count + conflicts);
        var listed = await api.GetJsonAsync($"{ConfigCenterApiClient.Ns("racy", "dev", "application")}/releases");
        Assert.Equal(revisions.Count, listed.GetArrayLength());
    }

    private sealed record Revision(long revision);
}
