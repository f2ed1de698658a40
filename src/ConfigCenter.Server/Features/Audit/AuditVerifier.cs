using ConfigCenter.Storage;
using Microsoft.EntityFrameworkCore;

namespace ConfigCenter.Server.Features.Audit;

/// <summary>
/// Walks the whole chain in id order: each entry must name the previous entry's hash and hash to its own. The first entry that
/// does not is reported; after a deleted row that is the row following the gap. Rows removed from the end leave the
/// AUTOINCREMENT counter ahead of the last id, which is reported as the first missing id. On PostgreSQL ids come from a
/// sequence that rolled-back inserts also advance, so only the chain itself is checked there (the append-only trigger
/// refuses deletes).
/// </summary>
internal sealed class AuditVerifier(IDbContextFactory<ConfigCenterDbContext> dbFactory)
{
    public async Task<AuditVerification> VerifyAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();
        // One read transaction: a consistent snapshot while writers keep appending.
        await using var tx = await connection.BeginTransactionAsync(ct);
        long? firstBroken = null;
        var prevHash = "";
        var lastId = 0L;
        var count = 0;
        await using (var select = connection.CreateCommand())
        {
            select.Transaction = tx;
            select.CommandText = $"SELECT {AuditRow.Columns} FROM \"Audit\" ORDER BY \"Id\"";
            await using var reader = await select.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var row = AuditRow.Read(reader);
                count++;
                if (firstBroken is null && (row.PrevHash != prevHash || row.Hash != row.ComputeHash(prevHash))) firstBroken = row.Id;
                prevHash = row.Hash;
                lastId = row.Id;
            }
        }
        if (firstBroken is null && db.Database.IsSqlite())
        {
            await using var sequence = connection.CreateCommand();
            sequence.Transaction = tx;
            sequence.CommandText = "SELECT seq FROM sqlite_sequence WHERE name = 'Audit'";
            if (await sequence.ExecuteScalarAsync(ct) is long issued && issued > lastId) firstBroken = lastId + 1;
        }
        return new AuditVerification(firstBroken is null, firstBroken, count);
    }
}

/// <summary>The answer of <c>GET /api/v1/audit/verify</c>.</summary>
public sealed record AuditVerification(bool Intact, long? FirstBrokenId, int Checked);
