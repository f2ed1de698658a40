namespace ConfigCenter.Server.Features.Releases.Pages;

/// <summary>
/// Links to <c>/export/{app}/{env}/{ns}?as=json|yaml|env[&amp;revision=N]</c>, the download the editor's and the history's
/// export menus offer; the endpoint itself is mapped by the drafts feature, which can read drafts.
/// </summary>
internal static class ExportLinks
{
    public const string Route = "/export/{app}/{env}/{ns}";

    public static string Link(string app, string env, string ns, string format, long? revision) =>
        $"/export/{app}/{env}/{ns}?as={format}" + (revision is { } r ? $"&revision={r}" : "");
}
