namespace ConfigCenter.Storage.Entities;

/// <summary>One entry of the audit trail: who did what to which target.</summary>
public sealed class AuditEntity
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Actor { get; set; }
    public required string Action { get; set; }
    public required string Target { get; set; }
    public string Detail { get; set; } = "";
}
