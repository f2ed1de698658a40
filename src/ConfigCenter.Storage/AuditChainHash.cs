using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

namespace ConfigCenter.Storage;

/// <summary>
/// The audit trail's hash chain. Each row's hash is SHA-256 over a canonical serialization of its stored fields and the
/// previous row's hash. SQLite computes it in an AFTER INSERT trigger through <see cref="FunctionName"/>, registered on
/// every connection by <see cref="SqlitePragmas"/>: SQLite has one writer at a time, so the previous row the trigger
/// reads is the one committed last, and the chain cannot fork however many requests (or processes) insert at once.
/// </summary>
public static class AuditChainHash
{
    public const string FunctionName = "cc_audit_hash";
    public const string ChainTrigger = "Audit_Chain";
    public const string NoUpdateTrigger = "Audit_NoUpdate";
    public const string NoDeleteTrigger = "Audit_NoDelete";

    /// <summary>
    /// The canonical form: every field as its UTF-8 byte length, a colon, the bytes and a newline (a netstring, so no
    /// field boundary can be moved), in a fixed order; <paramref name="at"/> is the stored value (UTC ticks with offset).
    /// </summary>
    public static string Compute(long id, long at, string actor, string action, string target, string detail,
        string address, string before, string after, string prevHash)
    {
        var builder = new StringBuilder(256);
        foreach (var field in (ReadOnlySpan<string>)[id.ToString(CultureInfo.InvariantCulture), at.ToString(CultureInfo.InvariantCulture),
                     actor, action, target, detail, address, before, after, prevHash])
        {
            builder.Append(Encoding.UTF8.GetByteCount(field).ToString(CultureInfo.InvariantCulture)).Append(':').Append(field).Append('\n');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString())));
    }

    /// <summary>Makes <see cref="FunctionName"/> available to the triggers on this connection.</summary>
    public static void Register(SqliteConnection connection) =>
        connection.CreateFunction<long, long, string, string, string, string, string, string, string, string, string>(
            FunctionName, Compute, isDeterministic: true);
}
