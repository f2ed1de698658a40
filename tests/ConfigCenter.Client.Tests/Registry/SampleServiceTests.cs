using System.Diagnostics;
using System.Net.Http.Json;
using ConfigCenter.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ConfigCenter.Client.Tests.Registry;

/// <summary>Two real processes of samples/ConfigCenter.SampleService calling each other by name through the registry.</summary>
public sealed class SampleServiceTests(EtcdClusterFixture etcd) : IClassFixture<EtcdClusterFixture>, IDisposable
{
    private const string Service = "sample-service";
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(3);
    private readonly string _cacheDirectory = Directory.CreateTempSubdirectory("cc-sample-").FullName;

    [Fact]
    public async Task CallByName_AlternatesBetweenTwoInstances_AndMovesToTheSurvivorWhenOneIsKilled()
    {
        var settings = new RegistrySettings(etcd.Endpoints, EtcdClusterFixtureBase.NewPrefix(), App: Service);
        var ports = FreePort.Get(2);
        await using var a = SampleProcess.Start(settings, ports[0], Ttl, Path.Combine(_cacheDirectory, "a"));
        await using var b = SampleProcess.Start(settings, ports[1], Ttl, Path.Combine(_cacheDirectory, "b"));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var idA = await WhoAmIAsync(http, a);
        var idB = await WhoAmIAsync(http, b);
        await using var observer = settings.Discovery();
        var registry = observer.GetRequiredService<IServiceRegistry>();
        await WaitFor.ConditionAsync(async () => (await InstanceIds(registry)).SetEquals([idA, idB]), TimeSpan.FromSeconds(10), "both samples registered");

        // A calls "sample-service" by name: round robin reaches both instances, itself included.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 20 && seen.Count < 2; i++) seen.Add((await CallAsync(http, a)).AnsweredBy.InstanceId);
        Assert.True(seen.SetEquals([idA, idB]), $"calls through A reached only {string.Join(", ", seen)}");

        var killedAt = Stopwatch.StartNew();
        b.KillHard();

        // (a) Calls keep succeeding while B's entry is still on its lease: each one is answered by the survivor.
        var answered = new List<string>();
        TimeSpan? goneAfter = null;
        while (killedAt.Elapsed < Ttl + TimeSpan.FromSeconds(2))
        {
            if ((await InstanceIds(registry)).SetEquals([idA]))
            {
                goneAfter = killedAt.Elapsed;
                break;
            }
            answered.Add((await CallAsync(http, a)).AnsweredBy.InstanceId);
        }

        // (b) The killed instance leaves discovery within TTL + 2 s; calls after that go on to the survivor.
        Assert.True(goneAfter is not null, $"the killed instance {idB} was still discoverable {killedAt.Elapsed.TotalSeconds:0.0} s after kill -9 (TTL {Ttl.TotalSeconds} s)");
        Assert.True(goneAfter >= Ttl - TimeSpan.FromSeconds(1.5), $"gone after {goneAfter.Value.TotalSeconds:0.0} s: too early for a lease expiry, was it not killed hard?");
        for (var i = 0; i < 6; i++) answered.Add((await CallAsync(http, a)).AnsweredBy.InstanceId);
        Assert.All(answered, id => Assert.Equal(idA, id));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_cacheDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A killed process may still hold a file for a moment; the temp directory is left behind then.
        }
    }

    private static async Task<HashSet<string>> InstanceIds(IServiceRegistry registry) =>
        [.. (await registry.GetInstancesAsync(Service, CancellationToken.None)).Select(e => e.InstanceId)];

    private static async Task<string> WhoAmIAsync(HttpClient http, SampleProcess sample)
    {
        var who = await WaitFor.ValueAsync(
            async () =>
            {
                Assert.False(sample.HasExited, $"the sample on port {sample.Port} exited:{Environment.NewLine}{sample.Output}");
                try
                {
                    return await http.GetFromJsonAsync<WhoAmI>(new Uri(sample.BaseAddress, "/whoami"));
                }
                catch (HttpRequestException)
                {
                    return null;
                }
            },
            w => w is not null, TimeSpan.FromSeconds(60), $"the sample on port {sample.Port} answering");
        Assert.Equal(sample.Port, who!.Port);
        return who.InstanceId;
    }

    private static async Task<CallResult> CallAsync(HttpClient http, SampleProcess caller)
    {
        using var response = await http.GetAsync(new Uri(caller.BaseAddress, $"/call/{Service}"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"/call/{Service} answered {(int)response.StatusCode}: {body}{Environment.NewLine}{caller.Output}");
        return System.Text.Json.JsonSerializer.Deserialize<CallResult>(body, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;
    }

    private sealed record WhoAmI(string InstanceId, int Port);

    private sealed record CallResult(string Caller, WhoAmI AnsweredBy, int Attempts);
}
