using System.Net;
using System.Text.Json;
using ConfigCenter.Testing;

namespace ConfigCenter.Operations.Tests;

/// <summary>docker/backup.sh: an online SQLite backup of a live server restores into a new data directory.</summary>
public sealed class BackupRestoreTests
{
    private static readonly string BackupScript = Path.Combine(Script.Root, "docker", "backup.sh");

    [Fact]
    public async Task SqliteBackup_OfALiveServer_RestoresIntoANewDataDirectory_WithItsReleasesAndKeys()
    {
        var work = Directory.CreateTempSubdirectory("configcenter-backup-test-").FullName;
        try
        {
            var backup = Path.Combine(work, "backup");
            var restored = Path.Combine(work, "restored");
            string dataDirectory, key;
            await using (var live = await ConfigCenterServerHost.StartAsync())
            {
                dataDirectory = live.DataDirectory;
                var api = new ConfigCenterApiClient(await live.CreateAdminClientAsync());
                key = await api.CreateAppWithKeyAsync("backed-up", "prod", ("application", "properties"));
                await api.PublishItemsAsync("backed-up", "prod", "application", ("Pool:Size", "10"));
                await api.PublishItemsAsync("backed-up", "prod", "application", ("Pool:Size", "20"));

                // Online: the server keeps running (and holding its data directory) during the backup.
                await Script.RunCheckedAsync(BackupScript, ["sqlite-backup", dataDirectory, backup]);
                // Published after the backup: the restore must not have it.
                await api.PublishItemsAsync("backed-up", "prod", "application", ("Pool:Size", "30"));

                // Restoring over the live server's directory is refused.
                var (code, output) = await Script.RunAsync(BackupScript, ["sqlite-restore", backup, dataDirectory]);
                Assert.NotEqual(0, code);
                Assert.Contains("running", output, StringComparison.Ordinal);
            }

            await Script.RunCheckedAsync(BackupScript, ["sqlite-restore", backup, restored]);
            await using var host = await ConfigCenterServerHost.StartAsync(dataDirectory: restored);
            var restoredApi = new ConfigCenterApiClient(await host.CreateAdminClientAsync());
            var releases = await restoredApi.GetJsonAsync($"{ConfigCenterApiClient.Ns("backed-up", "prod", "application")}/releases");
            var revisions = Items(releases).Select(r => r.GetProperty("revision").GetInt64()).Order().ToList();
            Assert.Equal([1L, 2L], revisions);

            // The key issued before the backup still works: the HMAC key of the stored key hashes travelled with the database.
            using var client = host.CreateHttpClient();
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/config/prod/backed-up/application");
            request.Headers.Add("X-Api-Key", key);
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(2, document.GetProperty("revision").GetInt64());
            Assert.Equal("20", document.GetProperty("items").GetProperty("Pool:Size").GetString());
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task SqliteRestore_OfACorruptedBackup_IsRefused()
    {
        var work = Directory.CreateTempSubdirectory("configcenter-backup-test-").FullName;
        try
        {
            var backup = Path.Combine(work, "backup");
            await using (var live = await ConfigCenterServerHost.StartAsync())
            {
                await Script.RunCheckedAsync(BackupScript, ["sqlite-backup", live.DataDirectory, backup]);
            }
            await using (var file = new FileStream(Path.Combine(backup, "configcenter.db"), FileMode.Open, FileAccess.Write))
            {
                file.Seek(4096, SeekOrigin.Begin);
                await file.WriteAsync(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 });
            }

            var (code, output) = await Script.RunAsync(BackupScript, ["sqlite-restore", backup, Path.Combine(work, "restored")]);

            Assert.NotEqual(0, code);
            Assert.Contains("does not match its manifest", output, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(work, "restored", "configcenter.db")));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static IEnumerable<JsonElement> Items(JsonElement list) =>
        list.ValueKind == JsonValueKind.Array ? list.EnumerateArray() : list.GetProperty("items").EnumerateArray();
}
