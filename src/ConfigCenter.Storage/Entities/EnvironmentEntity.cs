namespace ConfigCenter.Storage.Entities;

/// <summary>A deployment environment such as dev, test or prod.</summary>
public sealed class EnvironmentEntity
{
    public required string Id { get; set; }
    public required string Name { get; set; }
    public int SortOrder { get; set; }
}
