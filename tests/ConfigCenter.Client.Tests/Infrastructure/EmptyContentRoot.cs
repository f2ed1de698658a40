namespace ConfigCenter.Client.Tests.Infrastructure;

/// <summary>
/// A content root with no appsettings.json for the hosts tests build. The test output holds the server's and the
/// sample's appsettings.json (whichever was copied last wins), and a host must not pick up either's ConfigCenter section.
/// </summary>
internal static class EmptyContentRoot
{
    private static readonly Lazy<string> Directory = new(() => System.IO.Directory.CreateTempSubdirectory("configcenter-host-root-").FullName);

    public static string Path => Directory.Value;
}
