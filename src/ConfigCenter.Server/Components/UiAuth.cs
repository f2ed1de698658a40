namespace ConfigCenter.Server.Components;

/// <summary>The policy every UI page requires: a signed-in person on the cookie scheme.</summary>
internal static class UiAuth
{
    public const string Policy = "Ui";
}
