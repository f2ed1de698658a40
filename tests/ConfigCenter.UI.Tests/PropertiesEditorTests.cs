using Bunit;
using ConfigCenter.Server.Features.Drafts.Pages;
using ConfigCenter.Server.Features.Namespaces;
using MudBlazor;

namespace ConfigCenter.UI.Tests;

public sealed class PropertiesEditorTests : UiTestContext
{
    private readonly List<ItemEdit> _saved = [];
    private readonly List<string> _deleted = [];

    private IRenderedComponent<PropertiesEditor> RenderEditor(IReadOnlyList<DraftItem> items, IReadOnlyDictionary<string, string?>? live = null, bool canEdit = true) =>
        Render<PropertiesEditor>(ps => ps
            .Add(p => p.Items, items)
            .Add(p => p.LiveItems, live)
            .Add(p => p.CanEdit, canEdit)
            .Add(p => p.GridHeight, "2000px")
            .Add(p => p.OnSave, edit => { _saved.Add(edit); return Task.FromResult(true); })
            .Add(p => p.OnDelete, key => { _deleted.Add(key); return Task.FromResult(true); }));

    private static string[] Keys(IRenderedComponent<PropertiesEditor> cut) => [.. cut.FindAll("[data-testid=row-key]").Select(e => e.TextContent)];

    [Fact]
    public void Grid_MarksEveryKeyChangedSinceTheLiveRelease()
    {
        var cut = RenderEditor(
            [new("Same", "1", ""), new("Changed", "new", ""), new("Added", "x", "")],
            Diffs.Items(("Same", "1"), ("Changed", "old"), ("Removed", "gone")));

        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=row-key]").Count));
        var markers = cut.FindAll("tr").Where(r => r.QuerySelector("[data-testid=row-key]") is not null)
            .ToDictionary(r => r.QuerySelector("[data-testid=row-key]")!.TextContent, r => r.QuerySelector("[data-testid=marker]")?.TextContent);
        Assert.Null(markers["Same"]);
        Assert.Equal("changed", markers["Changed"]);
        Assert.Equal("new", markers["Added"]);
        Assert.Contains("Removed", cut.Find("[data-testid=removed-keys]").TextContent);
    }

    [Fact]
    public void AUserWhoMayNotEdit_GetsNoAddFormAndNoEditDeleteOrSecretButtons_AndAnEditorGetsThem()
    {
        var items = new List<DraftItem> { new("Plain", "1", ""), new("Dsn", "******", "", Secret: true) };
        var viewer = RenderEditor(items, canEdit: false);
        viewer.WaitForAssertion(() => Assert.Equal(2, viewer.FindAll("[data-testid=row-key]").Count));
        Assert.Empty(viewer.FindAll("[data-testid=add-form]"));
        Assert.Empty(viewer.FindAll("[data-testid=edit]"));
        Assert.Empty(viewer.FindAll("[data-testid=delete]"));
        Assert.Empty(viewer.FindAll("[data-testid=secret-toggle]"));
        Assert.Single(viewer.FindAll("[data-testid=secret-lock]"));

        var editor = RenderEditor(items);
        editor.WaitForAssertion(() => Assert.Equal(2, editor.FindAll("[data-testid=row-key]").Count));
        Assert.Single(editor.FindAll("[data-testid=add-form]"));
        Assert.Equal(2, editor.FindAll("[data-testid=edit]").Count);
        Assert.Equal(2, editor.FindAll("[data-testid=delete]").Count);
        Assert.Equal(2, editor.FindAll("[data-testid=secret-toggle]").Count);
    }

    [Fact]
    public void Filter_KeepsOnlyMatchingKeys_AndCountsThem()
    {
        var items = Enumerable.Range(0, 300).Select(i => new DraftItem($"Section:Key{i:000}", $"value-{i}", "")).ToList();
        var cut = RenderEditor(items);
        cut.WaitForAssertion(() => Assert.Contains("300 keys", cut.Find("[data-testid=key-count]").TextContent));

        cut.Find("input[data-testid=filter]").Input("Key12");

        cut.WaitForAssertion(() => Assert.Equal(
            ["Section:Key120", "Section:Key121", "Section:Key122", "Section:Key123", "Section:Key124", "Section:Key125", "Section:Key126", "Section:Key127", "Section:Key128", "Section:Key129"],
            Keys(cut)));
        Assert.Contains("10 of 300 keys", cut.Find("[data-testid=key-count]").TextContent);
    }

    [Fact]
    public void OnlyChanged_HidesKeysEqualToTheLiveRelease()
    {
        var cut = RenderEditor([new("A", "1", ""), new("B", "2", "")], Diffs.Items(("A", "1"), ("B", "1")));
        cut.WaitForAssertion(() => Assert.Equal(2, Keys(cut).Length));

        cut.FindComponent<MudSwitch<bool>>().Find("input").Change(true);

        cut.WaitForAssertion(() => Assert.Equal(["B"], Keys(cut)));
    }

    [Fact]
    public void InlineEdit_SavesTheNewValueAndComment_ForThatKey()
    {
        var cut = RenderEditor([new("Pool:Size", "10", ""), new("Other", "x", "")]);
        cut.WaitForAssertion(() => Assert.Equal(2, Keys(cut).Length));

        cut.FindAll("[data-testid=edit]")[0].Click();
        cut.Find("input[data-testid=edit-value]").Input("50");
        cut.Find("input[data-testid=edit-comment]").Input("for the sale");
        cut.Find("[data-testid=save-edit]").Click();

        cut.WaitForAssertion(() => Assert.Equal([new ItemEdit("Pool:Size", "Pool:Size", "50", "for the sale")], _saved));
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("input[data-testid=edit-value]")));
    }

    [Fact]
    public void AddKey_SavesANewKey_AndRejectsAnInvalidOneWithoutSaving()
    {
        var cut = RenderEditor([new("Existing", "1", "")]);

        cut.Find("input[data-testid=new-key]").Input("Bad::Key");
        cut.Find("[data-testid=add-form]").Submit();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll(".mud-input-error")));
        Assert.Empty(_saved);

        cut.Find("input[data-testid=new-key]").Input("existing");
        cut.Find("[data-testid=add-form]").Submit();
        cut.WaitForAssertion(() => Assert.Contains("already exists", cut.Markup));
        Assert.Empty(_saved);

        cut.Find("input[data-testid=new-key]").Input("Logging:Level");
        cut.Find("input[data-testid=new-value]").Input("Debug");
        cut.Find("[data-testid=add-form]").Submit();
        cut.WaitForAssertion(() => Assert.Equal([new ItemEdit(null, "Logging:Level", "Debug", "")], _saved));
    }

    [Fact]
    public void Delete_AsksForConfirmation_BeforeDeleting()
    {
        var provider = Render<MudDialogProvider>();
        var cut = RenderEditor([new("Doomed", "1", "")]);
        cut.WaitForAssertion(() => Assert.Single(Keys(cut)));

        cut.Find("[data-testid=delete]").Click();
        provider.WaitForAssertion(() => Assert.Contains("Delete 'Doomed' from the draft?", provider.Markup));
        Assert.Empty(_deleted);

        provider.FindAll("button").Single(b => b.TextContent.Trim() == "Delete").Click();
        cut.WaitForAssertion(() => Assert.Equal(["Doomed"], _deleted));
    }
}
