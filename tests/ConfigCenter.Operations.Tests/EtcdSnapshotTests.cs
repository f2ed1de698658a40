using System.Diagnostics;
using ConfigCenter.Contracts;
using ConfigCenter.Testing;

namespace ConfigCenter.Operations.Tests;

/// <summary>docker/backup.sh etcd-snapshot / etcd-restore with the etcd binaries: the release documents come back.</summary>
public sealed class EtcdSnapshotTests
{
    private static readonly string BackupScript = Path.Combine(Script.Root, "docker", "backup.sh");

    [Fact]
    public async Task Snapshot_RestoredIntoANewMember_ServesTheReleaseDocuments()
    {
        var work = Directory.CreateTempSubdirectory("configcenter-etcd-snapshot-").FullName;
        Process? restoredMember = null;
        try
        {
            await using var cluster = await EtcdCluster.StartAsync(1);
            string key;
            await using (var host = await ConfigCenterServerHost.StartAsync(cluster.Endpoints))
            {
                var api = new ConfigCenterApiClient(await host.CreateAdminClientAsync());
                await api.CreateAppAsync("snapshotted", ("application", "properties"));
                await api.PublishItemsAsync("snapshotted", "prod", "application", ("Feature:On", "true"));
                key = EtcdKeys.Config(host.Prefix, "prod", "snapshotted", "application");
                await WaitFor.ConditionAsync(async () => await cluster.GetAsync(key) is not null, TimeSpan.FromSeconds(10), "the release reaches etcd");
            }
            var original = await cluster.GetAsync(key);

            var snapshot = Path.Combine(work, "etcd.snapshot");
            await Script.RunCheckedAsync(BackupScript, ["etcd-snapshot", cluster.Endpoints[0], snapshot]);
            var (clientPort, peerPort) = (FreePort.Get(), FreePort.Get());
            var peer = $"http://127.0.0.1:{peerPort}";
            var data = Path.Combine(work, "restored.etcd");
            await Script.RunCheckedAsync(BackupScript, ["etcd-restore", snapshot, data, "restored", peer]);

            var client = $"http://127.0.0.1:{clientPort}";
            var info = new ProcessStartInfo(EtcdCluster.EtcdExecutable)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[] { "--name", "restored", "--data-dir", data, "--listen-client-urls", client, "--advertise-client-urls", client,
                         "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--logger", "zap", "--log-level", "warn" })
                info.ArgumentList.Add(argument);
            restoredMember = Process.Start(info)!;
            restoredMember.OutputDataReceived += (_, _) => { };
            restoredMember.ErrorDataReceived += (_, _) => { };
            restoredMember.BeginOutputReadLine();
            restoredMember.BeginErrorReadLine();

            var value = await WaitFor.ValueAsync(async () =>
            {
                var (code, output) = await Script.RunAsync("etcdctl", ["--endpoints", client, "get", key, "--print-value-only"],
                    new Dictionary<string, string> { ["ETCDCTL_API"] = "3" }, TimeSpan.FromSeconds(10));
                return code == 0 ? output.Trim() : null;
            }, v => !string.IsNullOrEmpty(v), TimeSpan.FromSeconds(30), "the restored member serves the key");
            Assert.Equal(original, value);
            Assert.Contains("\"revision\":1", value, StringComparison.Ordinal);
        }
        finally
        {
            if (restoredMember is not null)
            {
                if (!restoredMember.HasExited) restoredMember.Kill(entireProcessTree: true);
                await restoredMember.WaitForExitAsync();
                restoredMember.Dispose();
            }
            Directory.Delete(work, recursive: true);
        }
    }
}
