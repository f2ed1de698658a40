namespace ConfigCenter.Etcd.Tests;

/// <summary>The jittered exponential backoff and the connection's option checks (no etcd needed).</summary>
public sealed class EtcdBackoffTests
{
    [Fact]
    public void Next_DoublesFrom100MsUpToTheMaximum_WithJitterBetweenHalfAndFull()
    {
        var backoff = new EtcdBackoff(TimeSpan.FromSeconds(1));
        double[] expected = [100, 200, 400, 800, 1000, 1000];

        foreach (var full in expected)
        {
            var wait = backoff.Next().TotalMilliseconds;
            Assert.InRange(wait, full / 2, full);
        }
        backoff.Reset();
        Assert.InRange(backoff.Next().TotalMilliseconds, 50, 100);
    }

    [Theory]
    [InlineData("127.0.0.1:2379")]
    [InlineData("grpc://127.0.0.1:2379")]
    public void Connection_WithAnEndpointThatIsNotAnHttpUrl_IsRefusedNamingIt(string endpoint)
    {
        var error = Assert.Throws<ArgumentException>(() => new EtcdConnection(new EtcdClientOptions { Endpoints = [endpoint] }));
        Assert.Contains(endpoint, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Connection_WithAKeepAliveTimeoutNotAboveTheProgressInterval_IsRefused() =>
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => new EtcdConnection(new EtcdClientOptions
        {
            Endpoints = ["http://127.0.0.1:2379"],
            ProgressInterval = TimeSpan.FromSeconds(3),
            KeepAliveTimeout = TimeSpan.FromSeconds(3),
        }));

    [Fact]
    public async Task Connection_WithoutEndpoints_IsDisabledAndRefusesCalls()
    {
        using var connection = new EtcdConnection(new EtcdClientOptions());

        Assert.False(connection.Enabled);
        await Assert.ThrowsAsync<InvalidOperationException>(() => connection.CallAsync((_, _) => Task.FromResult(0), CancellationToken.None));
    }
}
