using System.Diagnostics;
using ConfigCenter.Testing;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace ConfigCenter.Faults.Tests;

/// <summary>Scenario 3: <c>kill -9</c> of the server process (SQLite) in the middle of back-to-back publishes.</summary>
public sealed class ServerKillTests(ITestOutputHelper output)
{
    private const int KillAfter = 60;

    [Fact]
    public async Task KillingTheServerDuringPublishes_LosesNoAcknowledgedRelease_AndLeavesTheStoreIntact()
    {
        await using var rig = await FaultRig.StartAsync();
        await rig.StartClientAsync();

        using var stop = new CancellationTokenSource();
        var publishing = rig.PublishManyAsync(1, 10_000, stop.Token);
        await WaitFor.ConditionAsync(() => rig.Acknowledged.Count >= KillAfter || publishing.IsCompleted, TimeSpan.FromSeconds(60),
            $"{KillAfter} publishes acknowledged");
        await rig.Server!.KillHardAsync();
        // The publish in flight loses its connection: it is not acknowledged, and may or may not have committed.
        var cutOff = await Record.ExceptionAsync(() => publishing);
        Assert.IsType<HttpRequestException>(cutOff);
        rig.InDoubt = 1;
        var ackedBeforeKill = rig.Acknowledged.Count;

        var restarted = Stopwatch.StartNew();
        await rig.StartServerAsync();
        var startedAfter = restarted.Elapsed;
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(rig.DataDirectory, "configcenter.db")};Mode=ReadOnly;Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA integrity_check";
            Assert.Equal("ok", (string?)await command.ExecuteScalarAsync());
        }
        var audit = await rig.Api.VerifyAuditAsync();
        Assert.True(audit.GetProperty("intact").GetBoolean(), $"audit chain after kill -9: {audit}");

        await rig.PublishManyAsync(ackedBeforeKill + 2, 10);
        await rig.VerifyAsync(TimeSpan.FromSeconds(30));
        output.WriteLine($"server killed after {ackedBeforeKill} acknowledged publishes; restarted and ready in {startedAfter.TotalSeconds:0.00} s; "
            + $"integrity_check ok, audit chain intact ({audit.GetProperty("checked").GetInt32()} entries); 10 more publishes; newest r{rig.Last!.Revision} everywhere");
    }
}
