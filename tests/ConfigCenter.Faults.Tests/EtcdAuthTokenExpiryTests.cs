using System.Diagnostics;
using ConfigCenter.Contracts;
using ConfigCenter.Testing;
using Xunit.Abstractions;

namespace ConfigCenter.Faults.Tests;

/// <summary>
/// Scenario 6: etcd with authentication on (a <c>configcenter</c> user whose role has readwrite on <c>/cc/</c>) and
/// simple tokens that expire 2 s after their last use on a member, while publishing goes on in rounds.
/// </summary>
public sealed class EtcdAuthTokenExpiryTests(ITestOutputHelper output)
{
    private const int TokenTtlSeconds = 2;
    private const int Rounds = 4;
    private const int PublishesPerRound = 10;
    private const string RootPassword = "etcd-root-password-1";
    private const string Reauthenticated = "authenticating again";
    private static readonly EtcdUser User = new("configcenter", "configcenter-etcd-password-1", "configcenter", "/cc/");

    [Fact]
    public async Task WithAuthAnd2sTokens_PublishingWatchingAndRegistrationSurviveSeveralExpiries_AndAReopenedStreamGetsAFreshToken()
    {
        var started = Stopwatch.StartNew();
        await using var rig = await FaultRig.StartAsync(
            etcdArguments: _ => ["--auth-token=simple", $"--auth-token-ttl={TokenTtlSeconds}"],
            etcdCredentials: new Dictionary<string, string?> { ["Username"] = User.Name, ["Password"] = User.Password },
            prepareEtcd: etcd => etcd.EnableAuthAsync(RootPassword, User),
            prefix: "/cc",
            // The re-authentications are logged at Information (EtcdConnection in the server, the registry in the clients).
            settings: new Dictionary<string, string?>
            {
                ["Logging:LogLevel:ConfigCenter.Etcd"] = "Information",
                ["Logging:LogLevel:ConfigCenter.Registry"] = "Information",
            });
        var server = rig.Server!;
        // A token nobody uses again: at the end etcd must refuse it, which shows the TTL really applies.
        var stale = await rig.Etcd.AuthenticateAsync(User.Name, User.Password);
        await rig.PublishAsync(1);
        var client0 = await rig.StartClientAsync();
        var client1 = await rig.StartClientAsync();
        var registry = EtcdKeys.RegistryPrefix(rig.Prefix, FaultRig.Env);
        var registeredAt = await RegistrationsAsync(rig, registry);
        Assert.Equal(2, registeredAt.Count);
        output.WriteLine($"started in {started.Elapsed.TotalSeconds:0.0} s");

        var seq = 2;
        var bouncedMember = -1;
        var converge = new List<double>();
        var serverRenewals = new List<int> { server.CountLines(Reauthenticated) };
        var client0Before = 0;
        for (var round = 1; round <= Rounds; round++)
        {
            if (round > 1)
            {
                // The scenario's own pace: a quiet spell until every member has expired every token idle since the
                // round before, the processes' tokens included.
                await rig.Etcd.WaitForIdleTokensToExpireAsync(User.Name, User.Password, User.KeyPrefix, TimeSpan.FromSeconds(15));
            }
            if (round == Rounds / 2 + 1)
            {
                // Break client0's watch (and any keep-alive stream on the same member): it comes back on another member
                // with the token that has expired meanwhile, must be refused, and must authenticate again.
                var state = await rig.StateAsync(client0);
                bouncedMember = state is null ? -1 : rig.MemberOf(state);
                Assert.True(bouncedMember >= 0, $"client0 reports no etcd member: {state?.Etcd}");
                client0Before = client0.CountLines(Reauthenticated);
                await rig.Etcd.StopMemberAsync(bouncedMember);
            }

            await rig.PublishManyAsync(seq, PublishesPerRound);
            seq += PublishesPerRound;
            converge.Add((await rig.WaitConvergedAsync(TimeSpan.FromSeconds(30))).TotalSeconds);
            serverRenewals.Add(server.CountLines(Reauthenticated));
            if (bouncedMember >= 0 && !rig.Etcd[bouncedMember].IsRunning)
            {
                // client0's watch reopened with its expired token on another member, was refused, and came back with a fresh one.
                Assert.True(client0.CountLines(Reauthenticated) > client0Before, $"client0 did not authenticate again after its member went away:\n{client0.Output}");
                await rig.Etcd.StartMemberAsync(bouncedMember);
            }
        }

        // In every round after a quiet spell the server's token had expired: its first relay write was refused and it signed in again.
        for (var round = 2; round <= Rounds; round++)
        {
            Assert.True(serverRenewals[round] > serverRenewals[round - 1],
                $"the server did not authenticate again in round {round} (counts per round {string.Join(", ", serverRenewals)}):\n{server.Output}");
        }
        foreach (var member in rig.Etcd.Members)
        {
            Assert.False(await member.AcceptsTokenAsync(stale, "/cc/"), $"{member.Name} still accepts a token unused for the whole scenario");
        }

        await rig.VerifyAsync(TimeSpan.FromSeconds(30));

        // Both registrations are still there (an entry may have been written again: a client rewrites it when its health changes).
        var registrations = await RegistrationsAsync(rig, registry);
        Assert.Equal(registeredAt.Keys.Order(), registrations.Keys.Order());
        foreach (var client in rig.Clients)
        {
            var state = await rig.StateAsync(client);
            Assert.True(state?.Registered is not null, $"client on port {client.Port} no longer holds its registration: {state?.Health}");
        }

        output.WriteLine($"auth on, simple tokens with a {TokenTtlSeconds} s TTL; {rig.Acknowledged.Count} publishes in {Rounds} rounds with quiet spells "
            + $"until every member expired the idle tokens; m{bouncedMember} (client0's member) killed before round {Rounds / 2 + 1} and restarted after it; "
            + $"re-authentications: server {serverRenewals[^1]} (cumulative per round {string.Join(", ", serverRenewals)}), client0 {client0.CountLines(Reauthenticated)}, client1 {client1.CountLines(Reauthenticated)}, "
            + $"test gateway helpers {rig.Etcd.GatewayTokenRenewals}; clients converged per round in {string.Join(" / ", converge.Select(c => $"{c:0.00}"))} s; "
            + $"{rig.WrittenToEtcd} releases written to etcd on their own; {registrations.Count} registrations present; "
            + $"scenario wall time {started.Elapsed.TotalSeconds:0.0} s");

    }

    private static async Task<Dictionary<string, long>> RegistrationsAsync(FaultRig rig, string registry) =>
        (await rig.Etcd.RangeAsync(registry)).ToDictionary(e => e.Key, e => e.ModRevision);
}
