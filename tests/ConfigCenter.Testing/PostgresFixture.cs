using Xunit;

namespace ConfigCenter.Testing;

/// <summary>A real PostgreSQL server shared by a test class (<c>IClassFixture&lt;PostgresFixture&gt;</c>); each test creates its own database.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer? _server;

    public PostgresServer Server => _server ?? throw new InvalidOperationException("The PostgreSQL fixture has not been initialized yet.");

    public async Task InitializeAsync() => _server = await PostgresServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}
