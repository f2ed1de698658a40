using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ConfigCenter.Testing.Tests;

public sealed class HelperTests
{
    [Fact]
    public void FreePort_returns_distinct_bindable_loopback_ports()
    {
        var ports = FreePort.Get(20);

        Assert.Equal(20, ports.Distinct().Count());
        foreach (var port in ports)
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
        }
    }

    [Fact]
    public async Task WaitFor_returns_as_soon_as_the_condition_holds()
    {
        var calls = 0;
        var stopwatch = Stopwatch.StartNew();

        await WaitFor.ConditionAsync(() => Task.FromResult(++calls >= 3), TimeSpan.FromSeconds(10), "third call");

        Assert.Equal(3, calls);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task WaitFor_throws_TimeoutException_naming_the_reason()
    {
        var error = await Assert.ThrowsAsync<TimeoutException>(
            () => WaitFor.ConditionAsync(() => false, TimeSpan.FromMilliseconds(100), "the moon turns blue"));

        Assert.Contains("the moon turns blue", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitFor_keeps_the_last_exception_of_the_condition()
    {
        var error = await Assert.ThrowsAsync<TimeoutException>(
            () => WaitFor.ConditionAsync(Boom, TimeSpan.FromMilliseconds(100), "never"));

        Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.Contains("boom", error.Message, StringComparison.Ordinal);
    }

    private static bool Boom() => throw new InvalidOperationException("boom");

    [Fact]
    public async Task WaitFor_ValueAsync_returns_the_accepted_value()
    {
        var n = 0;
        var value = await WaitFor.ValueAsync(() => Task.FromResult(++n), v => v == 4, TimeSpan.FromSeconds(10), "n reaches 4");
        Assert.Equal(4, value);
    }

    [Fact]
    public void EtcdExecutable_is_found()
    {
        Assert.True(File.Exists(EtcdCluster.EtcdExecutable));
    }
}
