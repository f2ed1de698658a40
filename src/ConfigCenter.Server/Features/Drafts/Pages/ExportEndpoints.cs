using System.Text;
using ConfigCenter.Core;
using ConfigCenter.Server.Components;
using ConfigCenter.Server.Features.Releases;
using ConfigCenter.Server.Features.Releases.Pages;
using ConfigCenter.Server.Infrastructure;

namespace ConfigCenter.Server.Features.Drafts.Pages;

/// <summary>
/// <c>GET /export/{app}/{env}/{ns}?as=json|yaml|env[&amp;revision=N]</c>: the draft (no revision) or a release as a
/// download, for the editor's and history's export menus. A plain link keeps the browser's download behaviour.
/// </summary>
internal static class ExportEndpoints
{
    public static IEndpointRouteBuilder MapExportEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(ExportLinks.Route, ExportAsync).RequireAuthorization(UiAuth.AppPolicy).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> ExportAsync(string app, string env, string ns, string? @as, long? revision,
        DraftService drafts, ReleaseReader releases, CancellationToken ct)
    {
        try
        {
            IReadOnlyDictionary<string, string?> items;
            if (revision is { } r)
            {
                items = (await releases.GetAsync(app, env, ns, r, ct)).Items;
            }
            else
            {
                var draft = await drafts.GetAsync(app, env, ns, ct);
                items = DraftItems(draft) ?? throw ConfigCenterException.Invalid("content", "The draft is not a valid document; fix it before exporting.");
            }
            var (text, extension, type) = (@as ?? "json") switch
            {
                "yaml" => (ConfigExporter.ToYaml(items), "yaml", "application/yaml"),
                "env" => (ConfigExporter.ToDotEnv(items), "env", "text/plain"),
                _ => (ConfigExporter.ToJson(items), "json", "application/json"),
            };
            var name = $"{app}-{env}-{ns}-{(revision is { } rev ? $"r{rev}" : "draft")}.{extension}";
            return Results.File(Encoding.UTF8.GetBytes(text), type, name);
        }
        catch (ConfigCenterException e)
        {
            return Results.Problem(statusCode: e.Status, title: e.Title, detail: e.Message);
        }
    }

    /// <summary>The flat items a draft would publish; null when its document does not parse.</summary>
    public static IReadOnlyDictionary<string, string?>? DraftItems(DraftView draft)
    {
        if (!NamespaceFormats.TryParse(draft.Format, out var format) || format == NamespaceFormat.Properties)
            return draft.Items.ToDictionary(i => i.Key, i => i.Value, StringComparer.Ordinal);
        return DocumentFlattener.Flatten(format, draft.Content).Items;
    }
}
