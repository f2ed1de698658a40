namespace ConfigCenter.Storage.Entities;

/// <summary>One key of a properties draft.</summary>
public sealed class DraftItemEntity
{
    public long Id { get; set; }
    public int DraftId { get; set; }
    public required string Key { get; set; }
    /// <summary>The upper-invariant key; unique per draft so keys differing only by case conflict.</summary>
    public required string NormalizedKey { get; set; }
    public string? Value { get; set; }
    public string Comment { get; set; } = "";
}
