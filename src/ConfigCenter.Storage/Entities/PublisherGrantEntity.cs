namespace ConfigCenter.Storage.Entities;

/// <summary>The right to publish and roll back in one environment, for one app or (AppId null) for every app.</summary>
public sealed class PublisherGrantEntity
{
    public int Id { get; set; }
    public int UserId { get; set; }
    public required string EnvironmentId { get; set; }
    public string? AppId { get; set; }
}
