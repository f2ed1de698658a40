using ConfigCenter.Client.Tests.Infrastructure;
using ConfigCenter.Testing;
using Microsoft.Extensions.Options;

namespace ConfigCenter.Client.Tests;

/// <summary>
/// User callbacks (IOptionsMonitor.OnChange, IConfigCenterChanges.Subscribe) never run under a lock of the client:
/// a callback that waits for another thread using the client completes instead of deadlocking.
/// </summary>
public sealed class ChangeCallbacksTests(StandaloneServerFixture fixture) : IClassFixture<StandaloneServerFixture>
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task OptionsOnChange_WaitingForAnotherThreadThatReadsAppliedRevisions_Completes()
    {
        var app = ServerFixtureBase.NewApp("callback-options");
        using var client = await StartAsync(app);
        var seen = new TaskCompletionSource<long?>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onChange = client.Monitor.OnChange(_ =>
        {
            var other = Task.Run(() => client.Changes.AppliedRevisions[new ConfigCenterNamespace(app, "dev", "application")]);
            seen.TrySetResult(other.Wait(Bounded) ? other.Result : null);
        });

        var revision = await fixture.Api.PublishItemsAsync(app, "dev", "application", ("Greeting", "two"));

        Assert.Equal(revision, await seen.Task.WaitAsync(Bounded * 2));
    }

    [Fact]
    public async Task ChangeHandler_WaitingForAnotherThreadThatSubscribes_Completes_AndTheNewHandlerSeesLaterChanges()
    {
        var app = ServerFixtureBase.NewApp("callback-subscribe");
        using var client = await StartAsync(app);
        var later = new System.Collections.Concurrent.ConcurrentQueue<ConfigCenterChange>();
        IDisposable? added = null;
        var subscribed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var first = client.Changes.Subscribe(change =>
        {
            if (added is not null) return;
            var other = Task.Run(() => added = client.Changes.Subscribe(later.Enqueue));
            subscribed.TrySetResult(other.Wait(Bounded));
        });

        await fixture.Api.PublishItemsAsync(app, "dev", "application", ("Greeting", "two"));
        Assert.True(await subscribed.Task.WaitAsync(Bounded * 2), "the other thread could subscribe while the handler ran");
        var third = await fixture.Api.PublishItemsAsync(app, "dev", "application", ("Greeting", "three"));

        await WaitFor.ConditionAsync(() => !later.IsEmpty, Bounded, "the handler subscribed from the other thread sees the next publish");
        Assert.Equal(third, Assert.Single(later).NewRevision);
        added?.Dispose();
    }

    private async Task<TestClient> StartAsync(string app)
    {
        var key = await fixture.Api.CreateAppWithKeyAsync(app, "dev", ("application", "properties"));
        await fixture.Api.PublishItemsAsync(app, "dev", "application", ("Greeting", "one"));
        return TestClient.Start(o =>
        {
            o.App = app;
            o.Environment = "dev";
            o.Server.Url = fixture.Server.BaseAddress.ToString();
            o.Server.ApiKey = key;
        });
    }
}
