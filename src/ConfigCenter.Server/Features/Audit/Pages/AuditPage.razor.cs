using ConfigCenter.Server.Components;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace ConfigCenter.Server.Features.Audit.Pages;

/// <summary>The audit trail for admins: filter by app, user, action and UTC days, page through it, export what is filtered as CSV.</summary>
public sealed partial class AuditPage : UiPageBase
{
    private const int MaxShown = 300;

    private MudTable<AuditEntry>? _table;
    private string? _app;
    private string? _actor;
    private string? _action;
    private DateTime? _fromDate;
    private DateTime? _toDate;
    private AuditFilter _filter = new();
    private AuditVerification? _verification;

    [Inject] private AuditReader Reader { get; set; } = default!;
    [Inject] private AuditVerifier Verifier { get; set; } = default!;

    private static List<BreadcrumbItem> Crumbs => [new("Dashboard", "/"), new("Audit", null, disabled: true)];

    private string ExportHref => "/api/v1/audit/export.csv" + (_filter.ToQueryString() is { Length: > 0 } query ? "?" + query : "");

    protected override async Task OnInitializedAsync() => _verification = await Verifier.VerifyAsync(CancellationToken.None);

    private async Task<TableData<AuditEntry>> LoadAsync(TableState state, CancellationToken ct)
    {
        var page = await Reader.PageAsync(_filter, state.Page * state.PageSize, state.PageSize, ct);
        return new TableData<AuditEntry> { Items = page.Entries, TotalItems = page.Total };
    }

    private async Task ApplyAsync()
    {
        _filter = new AuditFilter(_app, _actor, _action, Day(_fromDate), Day(_toDate)?.AddDays(1));
        if (_table is not null) await _table.ReloadServerData();
    }

    private static DateTimeOffset? Day(DateTime? date) =>
        date is { } d ? new DateTimeOffset(DateTime.SpecifyKind(d.Date, DateTimeKind.Utc)) : null;

    private static string Shorten(string json) => json.Length <= MaxShown ? json : string.Concat(json.AsSpan(0, MaxShown), "…");
}
