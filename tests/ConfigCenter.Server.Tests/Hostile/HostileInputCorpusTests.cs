using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using ConfigCenter.Testing;
using Xunit.Abstractions;

namespace ConfigCenter.Server.Tests.Hostile;

/// <summary>
/// A seeded corpus of at least 1,000 hostile requests against every write endpoint of a real server (Kestrel, SQLite,
/// etcd), sent as the admin: none is answered 5xx, every 4xx is problem details, nothing a refused request carried is
/// stored, the server stays responsive, and what was published before is byte-identical afterwards.
/// Replay a run with the seed it prints: <c>HOSTILE_SEED=… dotnet test --filter HostileInputCorpusTests</c>.
/// </summary>
[Collection(HostileCorpusCollection.Name)]
public sealed partial class HostileInputCorpusTests(EtcdClusterFixture etcd, ITestOutputHelper output) : IClassFixture<EtcdClusterFixture>
{
    private const int DefaultSeed = 20_261_130;
    private const int BatchSize = 100;
    private const int Concurrency = 4;

    private static readonly CaseNamespace[] PublishedTargets =
    [
        new("vault", "dev", "application", "properties", "Greeting", "1"),
        new("vault", "dev", "settings", "json", "Feature:On", "1"),
        new("vault", "dev", "rules", "yaml", "limits:max", "1"),
        new("vault", "prod", "application", "properties", "Greeting", "1"),
    ];

    private static readonly CaseNamespace[] ScratchTargets =
    [
        new("scratch", "dev", "props", "properties", "Greeting", "1"),
        new("scratch", "dev", "doc", "json", "a", "1"),
        new("scratch", "dev", "conf", "yaml", "a", "1"),
    ];

    [Fact]
    public async Task EveryWriteEndpoint_SurvivesTheHostileCorpus_WithoutA5xxAPartialWriteOrAChangeToPublishedData()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("HOSTILE_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : DefaultSeed;
        await using var host = await ConfigCenterServerHost.StartAsync(etcd.Endpoints);
        using var admin = await host.CreateAdminClientAsync();
        var api = new ConfigCenterApiClient(admin);
        var clientKeys = await SeedAsync(api, host);

        var endpoints = WriteEndpoint.Discover(host.Services);
        // The user the /api/v1/users/{id} routes act on: not the admin whose token sends the corpus.
        var targetUserId = await api.CreateUserAsync("corpus-target", "corpus-target-password-1");
        var cases = new HostileCorpus(seed, PublishedTargets, ScratchTargets, targetUserId).Build(endpoints);
        output.WriteLine($"Hostile corpus seed {seed} (HOSTILE_SEED={seed} replays it): {cases.Count} cases over {endpoints.Count} write endpoints");
        AssertCorpusCoversTheServer(endpoints, cases);

        var before = await ServerState.CaptureAsync(api, etcd.Cluster, host.Prefix, PublishedTargets, clientKeys);
        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        using var browser = new HttpClient(handler) { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var antiforgery = await AntiforgeryTokenAsync(browser);

        var failures = new List<string>();
        var outcomes = new List<CaseOutcome>();
        var clock = Stopwatch.StartNew();
        foreach (var batch in cases.Chunk(BatchSize))
        {
            var results = new CaseOutcome[batch.Length];
            await Parallel.ForEachAsync(Enumerable.Range(0, batch.Length), new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (i, ct) =>
                results[i] = await SendAsync(batch[i], batch[i].Endpoint.IsAccountForm ? browser : admin, host.BaseAddress, antiforgery, ct));
            outcomes.AddRange(results);
            failures.AddRange(results.SelectMany(r => r.Violations().Select(v => $"{r.Case}: {v}")));
            failures.AddRange(await HealthViolationsAsync(host, $"after case #{batch[^1].Number}"));
        }
        clock.Stop();
        Report(outcomes, clock.Elapsed);

        var after = await ServerState.CaptureAsync(api, etcd.Cluster, host.Prefix, PublishedTargets, clientKeys);
        failures.AddRange(PublishedDataViolations(before, after));
        failures.AddRange(PartialWriteViolations(before, after, outcomes));
        Assert.True(failures.Count == 0,
            $"{failures.Count} violations in the hostile corpus (seed {seed}, HOSTILE_SEED={seed} replays it):\n" + string.Join("\n", failures));
    }

    private static void AssertCorpusCoversTheServer(IReadOnlyList<WriteEndpoint> endpoints, IReadOnlyList<HostileCase> cases)
    {
        // The endpoints any ConfigCenter server has; discovery must find at least these, or the corpus proves nothing.
        string[] known =
        [
            "POST /api/v1/apps", "DELETE /api/v1/apps/{app}", "POST /api/v1/apps/{app}/namespaces",
            "PUT /api/v1/apps/{app}/envs/{env}/namespaces/{ns}/items/{key}", "PUT /api/v1/apps/{app}/envs/{env}/namespaces/{ns}/content",
            "POST /api/v1/apps/{app}/envs/{env}/namespaces/{ns}/releases", "POST /api/v1/auth/token", "POST /account/login",
        ];
        var names = endpoints.Select(e => e.Name).ToList();
        Assert.All(known, name => Assert.Contains(name, names));
        Assert.True(cases.Count >= HostileCorpus.MinimumCases, $"{cases.Count} cases");
        Assert.All(endpoints, e => Assert.True(cases.Count(c => c.Endpoint == e) >= 3, $"{e.Name} has {cases.Count(c => c.Endpoint == e)} cases"));
        Assert.Contains(cases, c => c.Target == CaseTarget.Published && c.Description.Contains("20,000 deep", StringComparison.Ordinal));
        Assert.Contains(cases, c => c.Target == CaseTarget.Published && c.Description.Contains("alias bomb", StringComparison.Ordinal));
        Assert.Contains(cases, c => c.Description.Contains("2 MiB", StringComparison.Ordinal));
    }

    private static async Task<CaseOutcome> SendAsync(HostileCase hostile, HttpClient client, Uri baseAddress, string antiforgery, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            using var request = hostile.ToRequest(baseAddress, antiforgery);
            using var response = await client.SendAsync(request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            return new CaseOutcome(hostile, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body,
                response.Headers.Location?.OriginalString, clock.Elapsed, null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            // Reported as a violation with the case, alongside every other failure of the run.
            return new CaseOutcome(hostile, 0, null, "", null, clock.Elapsed, $"{e.GetType().Name}: {e.Message}");
        }
    }

    private static async Task<IEnumerable<string>> HealthViolationsAsync(ConfigCenterServerHost host, string when)
    {
        using var client = host.CreateHttpClient();
        client.Timeout = TimeSpan.FromSeconds(1);
        var clock = Stopwatch.StartNew();
        try
        {
            using var response = await client.GetAsync("/health/live");
            return response.StatusCode == HttpStatusCode.OK ? [] : [$"/health/live {when}: {(int)response.StatusCode}"];
        }
        catch (TaskCanceledException)
        {
            return [$"/health/live {when}: no answer within 1 s ({clock.Elapsed.TotalMilliseconds:F0} ms)"];
        }
    }

    private static IEnumerable<string> PublishedDataViolations(ServerState before, ServerState after)
    {
        foreach (var (label, value) in before.Published)
        {
            var now = after.Published.GetValueOrDefault(label, "missing");
            if (now != value) yield return $"published data changed: {label}\n  before: {Shorten(value)}\n  after:  {Shorten(now)}";
        }
        foreach (var app in PublishedTargets.Select(t => t.App).Distinct())
        {
            if (before.Apps[app] != after.Apps.GetValueOrDefault(app)) yield return $"published app {app} changed: {after.Apps.GetValueOrDefault(app) ?? "deleted"}";
        }
    }

    private static IEnumerable<string> PartialWriteViolations(ServerState before, ServerState after, IReadOnlyList<CaseOutcome> outcomes)
    {
        var named = outcomes.Where(o => o.Accepted).SelectMany(o => ServerState.NamesIn(o.Body)).ToHashSet(StringComparer.Ordinal);
        foreach (var app in before.Apps.Keys.Where(a => !after.Apps.ContainsKey(a))) yield return $"app {app} disappeared";
        foreach (var app in after.Apps.Keys.Where(a => !before.Apps.ContainsKey(a) && !named.Contains(a))) yield return $"app '{app}' exists but no accepted request created it";
        foreach (var env in before.Environments.Where(e => !after.Environments.Contains(e))) yield return $"environment {env} disappeared";
        foreach (var env in after.Environments.Where(e => !before.Environments.Contains(e) && !named.Contains(e))) yield return $"environment '{env}' exists but no accepted request created it";
        foreach (var (app, namespaces) in before.Namespaces)
        {
            var now = after.Namespaces.GetValueOrDefault(app) ?? [];
            foreach (var ns in namespaces.Where(n => !now.Contains(n))) yield return $"namespace {app}/{ns} disappeared";
            foreach (var ns in now.Where(n => !namespaces.Contains(n) && !named.Contains(n))) yield return $"namespace '{app}/{ns}' exists but no accepted request created it";
        }
    }

    private async Task<Dictionary<(string App, string Env), string>> SeedAsync(ConfigCenterApiClient api, ConfigCenterServerHost host)
    {
        await api.CreateAppAsync("vault", ("application", "properties"), ("settings", "json"), ("rules", "yaml"));
        await api.PublishItemsAsync("vault", "dev", "application", ("Greeting", "hello"), ("Pool:Size", "5"));
        await api.PublishItemsAsync("vault", "dev", "application", ("Pool:Size", "6"));
        await api.SetAsync("vault", "dev", "application", "Greeting", "draft only, never published");
        await api.SetDocumentAsync("vault", "dev", "settings", """{"Feature":{"On":true},"List":[1,2]}""");
        await api.PublishAsync("vault", "dev", "settings");
        await api.SetDocumentAsync("vault", "dev", "rules", "limits:\n  max: 10\n");
        await api.PublishAsync("vault", "dev", "rules");
        await api.PublishItemsAsync("vault", "prod", "application", ("Greeting", "prod"));
        await api.CreateAppAsync("scratch", ("props", "properties"), ("doc", "json"), ("conf", "yaml"));
        await api.SetAsync("scratch", "dev", "props", "Greeting", "x");

        var keys = new Dictionary<(string, string), string>
        {
            [("vault", "dev")] = await api.CreateApiKeyAsync("vault", "dev"),
            [("vault", "prod")] = await api.CreateApiKeyAsync("vault", "prod"),
        };
        foreach (var (target, revision) in PublishedTargets.Zip(new long[] { 2, 1, 1, 1 }))
        {
            await EtcdDocuments.WaitForAsync(etcd.Cluster, host.Prefix, target.Env, target.App, target.Ns, revision);
        }
        output.WriteLine("Seeded vault (published: dev application r2 with a draft change, settings r1, rules r1; prod application r1) and scratch");
        return keys;
    }

    private static async Task<string> AntiforgeryTokenAsync(HttpClient browser)
    {
        var page = await browser.GetStringAsync("/login");
        var input = AntiforgeryInput().Match(page).Value;
        var token = WebUtility.HtmlDecode(InputValue().Match(input).Groups[1].Value);
        Assert.False(string.IsNullOrEmpty(token), "the login page has an antiforgery token");
        return token;
    }

    private void Report(IReadOnlyList<CaseOutcome> outcomes, TimeSpan elapsed)
    {
        output.WriteLine($"{outcomes.Count} cases in {elapsed.TotalSeconds:F1} s ({Concurrency} concurrent)");
        foreach (var group in outcomes.GroupBy(o => o.Status).OrderBy(g => g.Key)) output.WriteLine($"  {group.Key}: {group.Count()}");
        foreach (var group in outcomes.GroupBy(o => o.Case.Endpoint.Name).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {group.Key}: {group.Count()} cases, {group.Count(o => o.Accepted)} accepted");
        }
        foreach (var slow in outcomes.OrderByDescending(o => o.Elapsed).Take(5)) output.WriteLine($"  slowest: {slow.Elapsed.TotalMilliseconds:F0} ms {slow.Case}");
    }

    private static string Shorten(string text) => text.Length <= 400 ? text : text[..400] + "…";

    [GeneratedRegex("<input[^>]*__RequestVerificationToken[^>]*>")]
    private static partial Regex AntiforgeryInput();

    [GeneratedRegex("value=\"([^\"]+)\"")]
    private static partial Regex InputValue();
}

/// <summary>
/// The corpus runs alone: its "answers /health/live within 1 s" is about this server under the corpus, not about
/// two shared cores also running every other test class of the assembly.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HostileCorpusCollection
{
    public const string Name = "hostile input corpus";
}
