namespace ConfigCenter.Storage.Entities;

/// <summary>A user's role in one app: <c>Owner</c>, <c>Editor</c> or <c>Viewer</c>.</summary>
public sealed class AppMemberEntity
{
    public int Id { get; set; }
    public required string AppId { get; set; }
    public int UserId { get; set; }
    public required string Role { get; set; }
}
