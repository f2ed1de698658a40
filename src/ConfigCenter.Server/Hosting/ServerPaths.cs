namespace ConfigCenter.Server.Hosting;

/// <summary>
/// Where the web root is: the published <c>wwwroot</c> next to the assembly when it exists, else the
/// repository's top-level <c>wwwroot</c> (DESIGN.md §2).
/// </summary>
internal static class ServerPaths
{
    public static string? WebRoot()
    {
        var published = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (Directory.Exists(published)) return published;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ConfigCenter.sln")) && Directory.Exists(Path.Combine(dir.FullName, "wwwroot")))
                return Path.Combine(dir.FullName, "wwwroot");
        }
        return null;
    }
}
