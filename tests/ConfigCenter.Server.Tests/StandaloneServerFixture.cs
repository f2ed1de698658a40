using ConfigCenter.Testing;

namespace ConfigCenter.Server.Tests;

/// <summary>One standalone server (no etcd) shared by a test class.</summary>
public sealed class StandaloneServerFixture : IAsyncLifetime
{
    public ConfigCenterServerHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await ConfigCenterServerHost.StartAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
