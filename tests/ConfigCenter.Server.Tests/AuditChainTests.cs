using System.Net.Http.Json;
using System.Text.Json;
using ConfigCenter.Testing;
using Microsoft.Data.Sqlite;

namespace ConfigCenter.Server.Tests;

/// <summary>
/// The audit trail is a hash chain kept by SQLite: parallel writers never fork it, the database refuses to change a chained
/// row, and a row changed or removed behind the server's back (triggers dropped first) is what verify reports.
/// </summary>
public sealed class AuditChainTests : IAsyncLifetime
{
    private ConfigCenterServerHost _host = null!;
    private ConfigCenterApiClient _api = null!;

    public async Task InitializeAsync()
    {
        _host = await ConfigCenterServerHost.StartAsync();
        _api = new ConfigCenterApiClient(await _host.CreateAdminClientAsync());
        await _api.CreateAppAsync("chain", ("application", "properties"));
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task ManyParallelMutations_LeaveOneUnforkedChain_ThatVerifies()
    {
        // 19 failed sign-ins: one under the per-address lockout limit (20), whose lockout would add an entry of its own.
        const int Writers = 57;
        var before = await CountAsync();
        using var anonymous = _host.CreateHttpClient();
        // Three writers with their own transactions: app creation, namespace creation, and failed sign-ins (written on their own).
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(async i =>
        {
            switch (i % 3)
            {
                case 0: await _api.CreateAppAsync($"parallel-{i}"); break;
                case 1:
                    using (var ns = await _api.Http.PostAsJsonAsync("/api/v1/apps/chain/namespaces", new { name = $"ns{i}", format = "json" }))
                        Assert.True(ns.IsSuccessStatusCode, await ns.Content.ReadAsStringAsync());
                    break;
                default:
                    using (var failed = await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { username = $"u{i}", password = "wrong-password" }))
                        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, failed.StatusCode);
                    break;
            }
        }));

        var verify = await _api.VerifyAuditAsync();
        Assert.True(verify.GetProperty("intact").GetBoolean(), verify.ToString());
        Assert.Equal(JsonValueKind.Null, verify.GetProperty("firstBrokenId").ValueKind);
        var rows = await CountAsync();
        Assert.Equal(before + Writers, rows);
        Assert.Equal(rows, verify.GetProperty("checked").GetInt32());
        await using var db = Open();
        // A fork would show as two entries naming the same previous hash.
        Assert.Equal(rows, await ScalarAsync(db, "SELECT COUNT(DISTINCT PrevHash) FROM Audit"));
        Assert.Equal(0, await ScalarAsync(db, "SELECT COUNT(*) FROM Audit WHERE length(Hash) <> 64"));
    }

    [Fact]
    public async Task ChainedRows_CannotBeUpdatedOrDeleted_ThroughSql()
    {
        await _api.SetAsync("chain", "dev", "application", "A", "1");
        await using var db = Open();
        var error = await Assert.ThrowsAsync<SqliteException>(() => ExecAsync(db, "UPDATE Audit SET Actor = 'mallory' WHERE Id = (SELECT MAX(Id) FROM Audit)"));
        Assert.Contains("append-only", error.Message, StringComparison.Ordinal);
        error = await Assert.ThrowsAsync<SqliteException>(() => ExecAsync(db, "DELETE FROM Audit"));
        Assert.Contains("append-only", error.Message, StringComparison.Ordinal);
        Assert.True((await _api.VerifyAuditAsync()).GetProperty("intact").GetBoolean());
    }

    [Fact]
    public async Task RowEditedBehindTheServersBack_IsReportedByVerify()
    {
        for (var i = 0; i < 5; i++) await _api.SetAsync("chain", "dev", "application", $"E{i}", "x");
        Assert.True((await _api.VerifyAuditAsync()).GetProperty("intact").GetBoolean());
        await using var db = Open();
        var target = await ScalarAsync(db, "SELECT Id FROM Audit WHERE Target = 'chain/dev/application/E2'");
        await ExecAsync(db, "DROP TRIGGER Audit_NoUpdate");
        await ExecAsync(db, $"UPDATE Audit SET Actor = 'mallory' WHERE Id = {target}");

        var verify = await _api.VerifyAuditAsync();

        Assert.False(verify.GetProperty("intact").GetBoolean());
        Assert.Equal(target, verify.GetProperty("firstBrokenId").GetInt64());
    }

    [Fact]
    public async Task RowDeletedBehindTheServersBack_IsReportedAtTheGap_AndATruncatedTailToo()
    {
        for (var i = 0; i < 5; i++) await _api.SetAsync("chain", "dev", "application", $"D{i}", "x");
        await using var db = Open();
        var removed = await ScalarAsync(db, "SELECT Id FROM Audit WHERE Target = 'chain/dev/application/D2'");
        var next = await ScalarAsync(db, $"SELECT MIN(Id) FROM Audit WHERE Id > {removed}");
        await ExecAsync(db, "DROP TRIGGER Audit_NoDelete");
        await ExecAsync(db, $"DELETE FROM Audit WHERE Id = {removed}");

        var verify = await _api.VerifyAuditAsync();
        Assert.False(verify.GetProperty("intact").GetBoolean());
        Assert.Equal(next, verify.GetProperty("firstBrokenId").GetInt64());

        // Removing the newest entries leaves no broken link; the id counter still remembers them.
        await ExecAsync(db, $"DELETE FROM Audit WHERE Id >= {removed}");
        var last = await ScalarAsync(db, "SELECT MAX(Id) FROM Audit");
        verify = await _api.VerifyAuditAsync();
        Assert.False(verify.GetProperty("intact").GetBoolean());
        Assert.Equal(last + 1, verify.GetProperty("firstBrokenId").GetInt64());
    }

    [Fact]
    public async Task EntriesFromBeforeTheChain_AreChainedAtStart()
    {
        await _host.DisposeAsync();
        var path = Path.Combine(_host.DataDirectory, "configcenter.db");
        await using (var db = Open(path))
        {
            // What a database upgraded from before the chain looks like: rows with no hash, written without the trigger.
            string chainTrigger;
            await using (var read = new SqliteCommand("SELECT sql FROM sqlite_master WHERE name = 'Audit_Chain'", db)) chainTrigger = (string)(await read.ExecuteScalarAsync())!;
            await ExecAsync(db, "DROP TRIGGER Audit_Chain");
            await ExecAsync(db, "INSERT INTO Audit (At, Actor, Action, Target, Detail, Address, Before, After, PrevHash, Hash) VALUES (1, 'old', 'app.create', 'legacy1', '', '', '', '', '', '')");
            await ExecAsync(db, "INSERT INTO Audit (At, Actor, Action, Target, Detail, Address, Before, After, PrevHash, Hash) VALUES (2, 'old', 'app.create', 'legacy2', '', '', '', '', '', '')");
            await ExecAsync(db, chainTrigger);
        }
        SqliteConnection.ClearAllPools();

        _host = await ConfigCenterServerHost.StartAsync(dataDirectory: _host.DataDirectory);
        _api = new ConfigCenterApiClient(await _host.CreateAdminClientAsync());
        await _api.SetAsync("chain", "dev", "application", "After", "restart");

        var verify = await _api.VerifyAuditAsync();
        Assert.True(verify.GetProperty("intact").GetBoolean(), verify.ToString());
        await using var check = Open(path);
        Assert.Equal(0, await ScalarAsync(check, "SELECT COUNT(*) FROM Audit WHERE Hash = ''"));
        Assert.Equal(await CountAsync(), verify.GetProperty("checked").GetInt32());
    }

    private async Task<long> CountAsync()
    {
        await using var db = Open();
        return await ScalarAsync(db, "SELECT COUNT(*) FROM Audit");
    }

    private SqliteConnection Open() => Open(Path.Combine(_host.DataDirectory, "configcenter.db"));

    private static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var busy = connection.CreateCommand();
        busy.CommandText = "PRAGMA busy_timeout=10000";
        busy.ExecuteNonQuery();
        return connection;
    }

    private static async Task<long> ScalarAsync(SqliteConnection db, string sql)
    {
        await using var command = new SqliteCommand(sql, db);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task ExecAsync(SqliteConnection db, string sql)
    {
        await using var command = new SqliteCommand(sql, db);
        await command.ExecuteNonQueryAsync();
    }
}
