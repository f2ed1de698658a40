namespace ConfigCenter.Storage.Entities;

/// <summary>A person who signs in to the admin UI or the management API.</summary>
public sealed class UserEntity
{
    public int Id { get; set; }
    public required string UserName { get; set; }
    public required string PasswordHash { get; set; }
    /// <summary><c>admin</c> (the system Admin role) or <c>user</c>; what a user may do per app is in <see cref="AppMemberEntity"/> and <see cref="PublisherGrantEntity"/>.</summary>
    public required string Role { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>Changes whenever the user's password, roles or state change, or they sign out: sessions carrying an older stamp end.</summary>
    public string SecurityStamp { get; set; } = "";
    /// <summary>Every request except changing the password is refused until the user sets a new one.</summary>
    public bool MustChangePassword { get; set; }
    public DateTimeOffset? DisabledAt { get; set; }
}
