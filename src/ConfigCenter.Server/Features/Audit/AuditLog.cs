using System.Text.Encodings.Web;
using System.Text.Json;
using ConfigCenter.Storage;
using ConfigCenter.Storage.Entities;

namespace ConfigCenter.Server.Features.Audit;

/// <summary>
/// Adds audit entries to the caller's unit of work, so they commit with the change they record. The database chains each
/// entry to the previous one as it is inserted (<see cref="AuditChainHash"/>); nothing here can fork the chain.
/// </summary>
internal static class AuditLog
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = false,
        // Stored text, rendered HTML-encoded by the UI; escaping '<' here would only make the JSON harder to read.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// Records one entry. <paramref name="before"/> and <paramref name="after"/> are serialized as compact JSON; callers pass
    /// configuration values through <see cref="AuditMasking"/> first.
    /// </summary>
    public static void Record(ConfigCenterDbContext db, DateTimeOffset at, string actor, string action, string target, string detail = "",
        object? before = null, object? after = null) =>
        db.Audit.Add(Entry(at, actor, action, target, detail, before, after));

    public static AuditEntity Entry(DateTimeOffset at, string actor, string action, string target, string detail = "",
        object? before = null, object? after = null) => new()
        {
            At = at,
            Actor = actor,
            Action = action,
            Target = target,
            Detail = detail,
            Address = AuditScope.Address,
            Before = Serialize(before),
            After = Serialize(after),
        };

    public static string Serialize(object? state) => state switch
    {
        null => "",
        string s => JsonSerializer.Serialize(s, Json),
        _ => JsonSerializer.Serialize(state, state.GetType(), Json),
    };
}
