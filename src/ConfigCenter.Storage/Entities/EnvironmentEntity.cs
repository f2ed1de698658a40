namespace ConfigCenter.Storage.Entities;

/// <summary>A deployment environment such as dev, test or prod.</summary>
public sealed class EnvironmentEntity
{
    public required string Id { get; set; }
    public required string Name { get; set; }
    public int SortOrder { get; set; }
    /// <summary>Publishing here creates a release request that a second Publisher approves (four eyes).</summary>
    public bool RequiresReview { get; set; }
}
