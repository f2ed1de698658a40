using System.Diagnostics;
using System.Net;
using System.Text.Json;
using ConfigCenter.Testing;
using Xunit.Abstractions;

namespace ConfigCenter.Faults.Tests;

/// <summary>Scenario 7: PostgreSQL stopped (<c>pg_ctl stop -m immediate</c>) and started again while publishes go through two replicas.</summary>
[Collection(PostgresFaultsCollection.Name)]
public sealed class PostgresRestartTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private const int StopAfter = 20;
    private const int AfterRestart = 10;
    /// <summary>A generous guard: a refused request must answer, not hang (each is measured and reported).</summary>
    private static readonly TimeSpan AnswerBound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task RestartingPostgres_DuringPublishes_Answers503WhileDown_WritesNothingHalf_AndPublishesSucceedAfter()
    {
        await using var rig = await FaultRig.StartOnPostgresAsync(postgres.Server);
        await rig.StartClientAsync();

        var attempts = new List<(int Replica, TimeSpan Started, TimeSpan Took, PublishAttempt Outcome)>();
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        var publishing = Task.Run(async () =>
        {
            for (var seq = 1; !stop.IsCancellationRequested; seq++)
            {
                var replica = seq % 2;
                var started = clock.Elapsed;
                var outcome = await rig.TryPublishAsync(seq, replica);
                lock (attempts) attempts.Add((replica, started, clock.Elapsed - started, outcome));
                // A refused client pauses before its next try (a client honouring Retry-After would wait longer).
                if (outcome.Release is null) await Task.Delay(100);
            }
        });
        await WaitFor.ConditionAsync(() => ThrowIfFailed(publishing) && rig.Acknowledged.Count >= StopAfter, TimeSpan.FromSeconds(60),
            $"{StopAfter} publishes acknowledged");

        var stopBegan = clock.Elapsed;
        await postgres.Server.StopAsync("immediate");
        var stopped = clock.Elapsed;
        // While PostgreSQL is down, both replicas keep answering, with 503.
        await WaitFor.ConditionAsync(() =>
        {
            ThrowIfFailed(publishing);
            lock (attempts) return Enumerable.Range(0, 2).All(r => attempts.Any(a => a.Replica == r && a.Started >= stopped && a.Outcome.Release is null));
        }, TimeSpan.FromSeconds(30), "each replica refused a publish while PostgreSQL was down");

        var startBegan = clock.Elapsed;
        await postgres.Server.StartAgainAsync();
        var started = clock.Elapsed;
        // Back: both replicas publish again without a restart (their connection pools drop the broken connections).
        await WaitFor.ConditionAsync(() =>
        {
            ThrowIfFailed(publishing);
            lock (attempts) return Enumerable.Range(0, 2).All(r => attempts.Count(a => a.Replica == r && a.Started >= started && a.Outcome.Release is not null) >= AfterRestart / 2);
        }, TimeSpan.FromSeconds(60), $"{AfterRestart} publishes acknowledged through both replicas after PostgreSQL was back");
        await stop.CancelAsync();
        await publishing;

        List<(int Replica, TimeSpan Started, TimeSpan Took, PublishAttempt Outcome)> all;
        lock (attempts) all = [.. attempts];
        var refused = all.Where(a => a.Outcome.Release is null).ToList();
        foreach (var (replica, at, took, outcome) in refused)
        {
            Assert.True(outcome.Status == HttpStatusCode.ServiceUnavailable,
                $"replica {replica}, {outcome.Step} at {at.TotalSeconds:0.00} s: {(int)outcome.Status} {outcome.Body}");
            var problem = JsonDocument.Parse(outcome.Body).RootElement;
            Assert.Equal(503, problem.GetProperty("status").GetInt32());
            Assert.Equal("Store unavailable", problem.GetProperty("title").GetString());
            Assert.NotNull(outcome.RetryAfter?.Delta);
            Assert.True(took < AnswerBound, $"replica {replica} took {took.TotalSeconds:0.00} s to refuse {outcome.Step}");
        }
        // Refusals only while PostgreSQL was stopping, down or starting, or on the first use of a connection it had dropped.
        Assert.All(refused, a => Assert.True(a.Started + a.Took >= stopBegan, $"refused at {a.Started.TotalSeconds:0.00} s, before the stop"));
        // A publish in flight when PostgreSQL went down may have committed without its answer; later ones cannot (no connection).
        rig.InDoubt = refused.Count(a => a.Outcome.Step == "publish" && a.Started < stopped);

        var audit = await rig.Api.VerifyAuditAsync();
        Assert.True(audit.GetProperty("intact").GetBoolean(), $"audit chain after PostgreSQL's restart: {audit}");
        await rig.VerifyAsync(TimeSpan.FromSeconds(30));

        var firstBack = Enumerable.Range(0, 2).Select(r => all.First(a => a.Replica == r && a.Started >= started && a.Outcome.Release is not null)).ToList();
        var lastRefused = refused.Count == 0 ? TimeSpan.Zero : refused.Max(a => a.Started + a.Took);
        output.WriteLine($"PostgreSQL stopped (immediate) after {StopAfter} acknowledged publishes: stop took {(stopped - stopBegan).TotalSeconds:0.00} s, "
            + $"start {(started - startBegan).TotalSeconds:0.00} s; {refused.Count} attempts refused with 503 ({refused.Count(a => a.Outcome.Step == "PUT")} at the draft edit, "
            + $"{refused.Count(a => a.Outcome.Step == "publish")} at the publish; slowest refusal {(refused.Count == 0 ? 0 : refused.Max(a => a.Took.TotalMilliseconds)):0} ms); "
            + $"last refusal ended {(lastRefused - started).TotalSeconds:0.00} s after the start; first 201 after the start on replica 0 after "
            + $"{(firstBack[0].Started + firstBack[0].Took - started).TotalSeconds:0.00} s, replica 1 after {(firstBack[1].Started + firstBack[1].Took - started).TotalSeconds:0.00} s; "
            + $"{rig.InDoubt} in doubt; audit intact ({audit.GetProperty("checked").GetInt32()} entries); newest r{rig.Last!.Revision} everywhere");
    }

    /// <summary>Surfaces the publisher's failure (a connection error: the server hung up or died) instead of waiting it out.</summary>
    private static bool ThrowIfFailed(Task publishing)
    {
        if (publishing.IsFaulted) publishing.GetAwaiter().GetResult();
        return true;
    }
}
