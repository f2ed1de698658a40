using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ConfigCenter.Contracts;
using ConfigCenter.Testing;

namespace ConfigCenter.Cli.Tests;

/// <summary>apply against a server that delivers into etcd: what the CLI publishes is what services read from etcd.</summary>
public sealed class EtcdModeTests(EtcdClusterFixture etcd) : IClassFixture<EtcdClusterFixture>
{
    [Fact]
    public async Task Apply_PublishesADocumentServicesReadFromEtcd()
    {
        await using var server = await ConfigCenterServerHost.StartAsync(etcd.Endpoints);
        var profile = Directory.CreateTempSubdirectory("configcenter-cli-etcd-").FullName;
        try
        {
            var none = new Dictionary<string, string>();
            Assert.Equal(0, (await Cli.RunAsync(profile, none, "login", "--server", server.BaseAddress.ToString(), "--password", ConfigCenterServerHost.AdminPassword)).ExitCode);
            var file = Path.Combine(profile, "configcenter.yaml");
            await File.WriteAllTextAsync(file, """
                apps:
                  orders:
                    namespaces:
                      application:
                        environments:
                          prod:
                            items:
                              Pool:Size: "20"
                """);

            var apply = await Cli.RunAsync(profile, none, "apply", "-f", file, "--approve");

            Assert.True(apply.ExitCode == 0, apply.ToString());
            var key = EtcdKeys.Config(server.Prefix, "prod", "orders", "application");
            var document = await WaitFor.ValueAsync(() => ReadAsync(etcd.Endpoints[0], key), d => d is not null, TimeSpan.FromSeconds(20), "the release reaches etcd");
            Assert.Equal(1, document!.Revision);
            Assert.Equal("20", document.Items["Pool:Size"]);
            Assert.StartsWith("configcenter apply", document.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }

    // etcd's JSON gateway: keys and values are base64.
    private static async Task<ReleaseDocument?> ReadAsync(string endpoint, string key)
    {
        using var http = new HttpClient();
        var response = await http.PostAsJsonAsync($"{endpoint}/v3/kv/range", new { key = Convert.ToBase64String(Encoding.UTF8.GetBytes(key)) });
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        if (!body.RootElement.TryGetProperty("kvs", out var kvs) || kvs.GetArrayLength() == 0) return null;
        var value = Convert.FromBase64String(kvs[0].GetProperty("value").GetString()!);
        return JsonSerializer.Deserialize(value, ContractsJsonContext.Default.ReleaseDocument);
    }
}
