namespace ConfigCenter.Storage.Entities;

/// <summary>A person who signs in to the admin UI or the management API.</summary>
public sealed class UserEntity
{
    public int Id { get; set; }
    public required string UserName { get; set; }
    public required string PasswordHash { get; set; }
    /// <summary>admin or editor.</summary>
    public required string Role { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
