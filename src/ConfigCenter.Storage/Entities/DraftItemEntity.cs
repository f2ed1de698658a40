namespace ConfigCenter.Storage.Entities;

/// <summary>One key of a properties draft.</summary>
public sealed class DraftItemEntity
{
    public long Id { get; set; }
    public int DraftId { get; set; }
    public required string Key { get; set; }
    /// <summary>The upper-invariant key; unique per draft so keys differing only by case conflict.</summary>
    public required string NormalizedKey { get; set; }
    /// <summary>The value; for a secret item, its envelope under the environment's key (never the plaintext).</summary>
    public string? Value { get; set; }
    /// <summary>True when the item is secret: stored sealed, masked in every read, revealed only by an audited action.</summary>
    public bool IsSecret { get; set; }
    public string Comment { get; set; } = "";
}
