using System.Data.Common;
using ConfigCenter.Storage;

namespace ConfigCenter.Server.Features.Audit;

/// <summary>An audit row exactly as stored (At as the stored ticks), read with plain SQL so verification sees what is on disk.</summary>
internal sealed record AuditRow(long Id, long At, string Actor, string Action, string Target, string Detail, string Address,
    string Before, string After, string PrevHash, string Hash)
{
    // Quoted: PostgreSQL folds unquoted names to lower case; SQLite reads quoted names the same.
    public const string Columns = "\"Id\", \"At\", \"Actor\", \"Action\", \"Target\", \"Detail\", \"Address\", \"Before\", \"After\", \"PrevHash\", \"Hash\"";

    public static AuditRow Read(DbDataReader r) => new(r.GetInt64(0), r.GetInt64(1), Text(r, 2), Text(r, 3), Text(r, 4), Text(r, 5),
        Text(r, 6), Text(r, 7), Text(r, 8), Text(r, 9), Text(r, 10));

    public string ComputeHash(string prevHash) => AuditChainHash.Compute(Id, At, Actor, Action, Target, Detail, Address, Before, After, prevHash);

    // A NULL written behind the server's back must read as a broken row, not crash verification.
    private static string Text(DbDataReader r, int i) => r.IsDBNull(i) ? "\0null" : Convert.ToString(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture) ?? "";
}
