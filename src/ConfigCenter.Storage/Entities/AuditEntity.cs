namespace ConfigCenter.Storage.Entities;

/// <summary>
/// One entry of the audit trail: who did what to which target, from where, with the state before and after.
/// Append-only: <see cref="PrevHash"/> and <see cref="Hash"/> are set by the database when the row is inserted
/// (trigger <c>Audit_Chain</c>), and a row that has a hash can be neither updated nor deleted (see docs/audit.md).
/// </summary>
public sealed class AuditEntity
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Actor { get; set; }
    public required string Action { get; set; }
    public required string Target { get; set; }
    public string Detail { get; set; } = "";

    /// <summary>The client's address (after trusted forwarded headers); empty for work the server does on its own.</summary>
    public string Address { get; set; } = "";

    /// <summary>Compact JSON of the state before the change, secrets masked; empty when there was none.</summary>
    public string Before { get; set; } = "";

    /// <summary>Compact JSON of the state after the change, secrets masked; empty when there is none.</summary>
    public string After { get; set; } = "";

    /// <summary>The <see cref="Hash"/> of the previous entry (by id); empty for the first.</summary>
    public string PrevHash { get; set; } = "";

    /// <summary><see cref="AuditChainHash.Compute"/> over this entry's fields and <see cref="PrevHash"/>.</summary>
    public string Hash { get; set; } = "";
}
