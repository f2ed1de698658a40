using Bunit;
using ConfigCenter.Server.Features.Drafts.Pages;

namespace ConfigCenter.UI.Tests;

public sealed class DocumentEditorTests : UiTestContext
{
    private readonly List<string> _saved = [];

    private IRenderedComponent<DocumentEditor> RenderEditor(ConfigCenter.Core.NamespaceFormat format, string content) =>
        Render<DocumentEditor>(ps => ps
            .Add(p => p.Format, format)
            .Add(p => p.Content, content)
            .Add(p => p.OnSave, text => { _saved.Add(text); return Task.FromResult(true); }));

    [Fact]
    public void InvalidJson_ShowsTheErrorAtItsLineAndColumn_AndCannotBeSaved()
    {
        var cut = RenderEditor(ConfigCenter.Core.NamespaceFormat.Json, "{ \"A\": 1 }");

        cut.Find("textarea").Input("{\n  \"Pool\": { \"Size\": 10,\n}");

        cut.WaitForAssertion(() => Assert.Contains("Line 3, column", cut.Find("[data-testid=document-error]").TextContent));
        Assert.Contains("^", cut.Find("[data-testid=error-excerpt]").TextContent);
        Assert.True(cut.Find("[data-testid=save-document]").HasAttribute("disabled"));
        Assert.Empty(_saved);
    }

    [Fact]
    public void ValidYaml_CountsItsKeys_AndSavesTheText()
    {
        var cut = RenderEditor(ConfigCenter.Core.NamespaceFormat.Yaml, "");
        const string yaml = "Pool:\n  Size: 10\nLogging:\n  Level: Debug\n";

        cut.Find("textarea").Input(yaml);
        cut.WaitForAssertion(() => Assert.Contains("2 configuration keys", cut.Find("[data-testid=document-valid]").TextContent));
        cut.Find("[data-testid=save-document]").Click();

        cut.WaitForAssertion(() => Assert.Equal([yaml], _saved));
    }
}
