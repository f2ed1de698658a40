using System.Net;
using ConfigCenter.Testing;

namespace ConfigCenter.Operations.Tests;

/// <summary>docker/docker-compose.yml: valid for docker-compose, the whole topology, and a sample that starts with its defaults.</summary>
public sealed class DeploymentTests
{
    private static readonly string ComposeFile = Path.Combine(Script.Root, "docker", "docker-compose.yml");

    private static readonly Dictionary<string, string> Secrets = new()
    {
        ["POSTGRES_PASSWORD"] = "compose-check",
        ["ADMIN_PASSWORD"] = "compose-check-password",
    };

    [Fact]
    public async Task ComposeFile_PassesDockerComposeConfig_WithTheWholeTopology()
    {
        var services = (await ComposeAsync(Secrets, "config", "--services"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order().ToList();

        Assert.Equal(["etcd1", "etcd2", "etcd3", "gateway", "postgres", "sample", "sample2", "server1", "server2"], services);
        var config = ComposeConfig.Parse(await ComposeAsync(Secrets, "config"));
        foreach (var server in new[] { "server1", "server2" })
        {
            var env = config.Environment(server);
            Assert.Equal("postgres", env["ConfigCenter__Store__Provider"]);
            Assert.Contains("Host=postgres", env["ConfigCenter__Store__ConnectionString"], StringComparison.Ordinal);
            Assert.Equal(["http://etcd1:2379", "http://etcd2:2379", "http://etcd3:2379"],
                [env["ConfigCenter__Etcd__Endpoints__0"], env["ConfigCenter__Etcd__Endpoints__1"], env["ConfigCenter__Etcd__Endpoints__2"]]);
        }
    }

    [Fact]
    public async Task ComposeFile_WithoutTheRequiredSecrets_IsRefusedNamingThem()
    {
        var (code, output) = await Script.RunAsync("docker-compose", ["-f", ComposeFile, "config"],
            new Dictionary<string, string> { ["POSTGRES_PASSWORD"] = "", ["ADMIN_PASSWORD"] = "" });

        Assert.NotEqual(0, code);
        Assert.Contains("POSTGRES_PASSWORD", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SampleContainerEnvironment_StartsTheSample_AndItLoadsItsConfiguration()
    {
        // The sample exactly as compose configures it (no SAMPLE_* variables set), with etcd1..3 pointed at a real cluster.
        var env = ComposeConfig.Parse(await ComposeAsync(Secrets, "config")).Environment("sample");
        await using var cluster = await EtcdCluster.StartAsync(1);
        await using var server = await ConfigCenterServerHost.StartAsync(cluster.Endpoints, prefix: "/configcenter");
        var api = new ConfigCenterApiClient(await server.CreateAdminClientAsync());
        await api.CreateAppAsync(env["ConfigCenter__App"], ("application", "properties"));
        await api.PublishItemsAsync(env["ConfigCenter__App"], env["ConfigCenter__Environment"], "application", ("Greeting", "from compose"));

        var settings = env.ToDictionary(e => e.Key, e => (string?)e.Value);
        settings.Remove("ASPNETCORE_URLS");
        for (var i = 0; i < 3; i++) settings[$"ConfigCenter__Etcd__Endpoints__{i}"] = cluster.Endpoints[0];
        settings["ConfigCenter__CacheDirectory"] = Path.Combine(Path.GetTempPath(), $"configcenter-sample-{Guid.NewGuid():N}");
        Assert.Equal("", settings["ConfigCenter__Server__Url"]);
        await using var sample = DotnetProcess.Start("samples", "ConfigCenter.SampleService", FreePort.Get(), settings);
        using var http = new HttpClient();

        var greeting = await WaitFor.ValueAsync(async () =>
        {
            Assert.False(sample.HasExited, $"the sample exited:{Environment.NewLine}{sample.Output}");
            try
            {
                using var response = await http.GetAsync(new Uri(sample.BaseAddress, "/config/Greeting"));
                return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync() : null;
            }
            catch (HttpRequestException)
            {
                return null;
            }
        }, g => g is not null, TimeSpan.FromSeconds(60), "the sample answers with its configuration");
        Assert.Equal("from compose", greeting);
        using var health = await http.GetAsync(new Uri(sample.BaseAddress, "/health"));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private static async Task<string> ComposeAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        Assert.True(File.Exists("/usr/bin/docker-compose") || File.Exists("/usr/local/bin/docker-compose"),
            "docker-compose is not installed (./build.sh test and ./build.sh compose-check install it)");
        return await Script.RunCheckedAsync("docker-compose", ["-f", ComposeFile, .. arguments], environment);
    }
}
