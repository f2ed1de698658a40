using System.Globalization;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using ConfigCenter.Testing;

namespace ConfigCenter.Operations.Tests;

/// <summary><c>./build.sh cluster up|down</c> (docker/etcd-cluster.sh): the compose topology on loopback from the binaries.</summary>
public sealed class ClusterScriptTests
{
    private const string AdminPassword = "cluster-test-password";

    [Fact]
    public async Task ClusterUp_StartsEtcdServerGatewayAndSamples_Healthy_AndDown_StopsEveryPart()
    {
        var dir = Directory.CreateTempSubdirectory("configcenter-cluster-test-").FullName;
        var etcdClient = new[] { FreePort.Get(), FreePort.Get(), FreePort.Get() };
        var etcdPeer = new[] { FreePort.Get(), FreePort.Get(), FreePort.Get() };
        var (server, gateway) = (FreePort.Get(), FreePort.Get());
        var samples = new[] { FreePort.Get(), FreePort.Get() };
        var environment = new Dictionary<string, string>
        {
            ["CLUSTER_DIR"] = dir,
            ["ETCD_CLIENT_PORTS"] = Join(etcdClient),
            ["ETCD_PEER_PORTS"] = Join(etcdPeer),
            ["SERVER_PORT"] = Invariant(server),
            ["GATEWAY_PORT"] = Invariant(gateway),
            ["SAMPLE_PORTS"] = Join(samples),
            ["ADMIN_PASSWORD"] = AdminPassword,
            ["CONFIGURATION"] = AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release",
        };
        var buildSh = Path.Combine(Script.Root, "build.sh");
        try
        {
            await Script.RunCheckedAsync(buildSh, ["cluster", "up"], environment, TimeSpan.FromMinutes(4));

            var parts = new[] { "etcd1", "etcd2", "etcd3", "server1", "gateway", "sample1", "sample2" };
            var pids = parts.ToDictionary(p => p, p => int.Parse(File.ReadAllText(Path.Combine(dir, $"{p}.pid")).Trim(), CultureInfo.InvariantCulture));
            Assert.All(pids.Values, pid => Assert.True(IsRunning(pid)));
            Assert.All(parts, p => Assert.True(File.Exists(Path.Combine(dir, $"{p}.log")), $"{p} has a log"));

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            foreach (var port in etcdClient)
                Assert.Contains("\"health\":\"true\"", await http.GetStringAsync($"http://127.0.0.1:{port}/health"), StringComparison.Ordinal);
            Assert.Equal("Healthy", await http.GetStringAsync($"http://127.0.0.1:{server}/health/ready"));
            Assert.Equal("Healthy", await http.GetStringAsync($"http://127.0.0.1:{gateway}/health/live"));
            foreach (var port in samples) Assert.Equal("Healthy", await http.GetStringAsync($"http://127.0.0.1:{port}/health"));

            // The server runs on the 3-member cluster, and the samples and the gateway registered in it.
            using (var token = await http.PostAsJsonAsync($"http://127.0.0.1:{server}/api/v1/auth/token", new { username = "admin", password = AdminPassword }))
            {
                token.EnsureSuccessStatusCode();
                var bearer = JsonDocument.Parse(await token.Content.ReadAsStringAsync()).RootElement.GetProperty("accessToken").GetString();
                http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
            }
            var status = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{server}/api/v1/status")).RootElement;
            Assert.Equal("etcd", status.GetProperty("mode").GetString());
            Assert.Equal(3, status.GetProperty("etcd").GetProperty("members").GetArrayLength());
            await WaitFor.ConditionAsync(async () =>
            {
                using var response = await http.GetAsync($"http://127.0.0.1:{server}/api/v1/registry/dev/services/sample");
                var body = await response.Content.ReadAsStringAsync();
                return response.IsSuccessStatusCode && body.Contains("sample-1", StringComparison.Ordinal) && body.Contains("sample-2", StringComparison.Ordinal);
            }, TimeSpan.FromSeconds(20), "both samples are registered");

            await Script.RunCheckedAsync(buildSh, ["cluster", "down"], environment, TimeSpan.FromMinutes(2));

            Assert.All(pids, p => Assert.False(IsRunning(p.Value), $"{p.Key} (pid {p.Value}) still runs after down"));
            Assert.Empty(Directory.GetFiles(dir, "*.pid"));
            foreach (var port in etcdClient.Append(server).Append(gateway).Concat(samples)) Assert.False(Listening(port), $"port {port} still listens");
        }
        finally
        {
            await Script.RunAsync(buildSh, ["cluster", "down"], environment, TimeSpan.FromMinutes(2));
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Join(IEnumerable<int> ports) => string.Join(' ', ports.Select(Invariant));

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    // kill -0 semantics: /proc/<pid> exists and is not a zombie.
    private static bool IsRunning(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat)) return false;
        try
        {
            var text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static bool Listening(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
