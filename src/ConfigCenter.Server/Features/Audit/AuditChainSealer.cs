using System.Data.Common;
using ConfigCenter.Storage;
using Microsoft.EntityFrameworkCore;

namespace ConfigCenter.Server.Features.Audit;

/// <summary>
/// Runs at start, after the migrations: checks that the chain triggers exist (a table rebuild by a later migration would drop
/// them, and the server must not then write unchained entries) and chains the entries written before the chain existed,
/// oldest first, before anything else can append.
/// </summary>
internal static class AuditChainSealer
{
    public static async Task<int> SealAsync(ConfigCenterDbContext db, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();
        foreach (var trigger in (string[])[AuditChainHash.ChainTrigger, AuditChainHash.NoUpdateTrigger, AuditChainHash.NoDeleteTrigger])
        {
            await using var check = connection.CreateCommand();
            check.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name = $name";
            AddParameter(check, "$name", trigger);
            if (Convert.ToInt64(await check.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                throw new InvalidOperationException(
                    $"The audit trigger '{trigger}' is missing from the database; the audit trail cannot be chained. Restore it (migration AuditHashChain) before starting the server.");
            }
        }

        await using var tx = await connection.BeginTransactionAsync(ct);
        var unsealed = new List<AuditRow>();
        await using (var select = connection.CreateCommand())
        {
            select.Transaction = tx;
            select.CommandText = $"SELECT {AuditRow.Columns} FROM Audit WHERE Hash = '' ORDER BY Id";
            await using var reader = await select.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) unsealed.Add(AuditRow.Read(reader));
        }
        foreach (var row in unsealed)
        {
            await using var previous = connection.CreateCommand();
            previous.Transaction = tx;
            previous.CommandText = "SELECT Hash FROM Audit WHERE Id < $id ORDER BY Id DESC LIMIT 1";
            AddParameter(previous, "$id", row.Id);
            var prev = await previous.ExecuteScalarAsync(ct) as string ?? "";
            await using var update = connection.CreateCommand();
            update.Transaction = tx;
            update.CommandText = "UPDATE Audit SET PrevHash = $prev, Hash = $hash WHERE Id = $id";
            AddParameter(update, "$prev", prev);
            AddParameter(update, "$hash", row.ComputeHash(prev));
            AddParameter(update, "$id", row.Id);
            await update.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return unsealed.Count;
    }

    internal static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
