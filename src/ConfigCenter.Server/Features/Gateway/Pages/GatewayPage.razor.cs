using ConfigCenter.Server.Components;
using ConfigCenter.Server.Features.Registry;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace ConfigCenter.Server.Features.Gateway.Pages;

/// <summary>
/// The live routes of a gateway app per environment: match, service, authorization, rate limit, timeout, canary and
/// the destinations (registry instances) of each, kept current by the release cache and the registry watch.
/// </summary>
public sealed partial class GatewayPage : UiPageBase, IDisposable
{
    private IReadOnlyList<string> _environments = [];
    private IReadOnlyList<string> _apps = [];
    private GatewayView? _view;

    [Parameter] public string? Env { get; set; }
    [Parameter] public string? App { get; set; }

    [Inject] private GatewayRoutesView Gateway { get; set; } = default!;
    [Inject] private RegistryView Registry { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;

    private int Flagged => _view?.Routes.Count(r => r.NoPassingInstance) ?? 0;

    private List<BreadcrumbItem> Crumbs => Env is null
        ? [new("Dashboard", "/"), new("Gateway", null, disabled: true)]
        : [new("Dashboard", "/"), new("Gateway", "/gateway"), new(App is null ? Env : $"{App} ({Env})", null, disabled: true)];

    protected override void OnInitialized() => Gateway.Changed += OnChanged;

    protected override Task OnParametersSetAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        _environments = Gateway.Environments();
        // No environment or app in the address: the first one that has a gateway.
        var env = Env ?? _environments.FirstOrDefault();
        _apps = env is null ? [] : Gateway.Apps(env);
        var app = App ?? (Env is null || _apps.Count == 1 ? _apps.FirstOrDefault() : null);
        (Env, App) = (env, app);
        _view = env is null || app is null || Core.Names.ValidateEnvironment(env) is not null
            ? null
            : await Gateway.GetAsync(env, app, CancellationToken.None);
    }

    private void SelectEnvironment(string env) => Navigation.NavigateTo($"/gateway/{Uri.EscapeDataString(env)}");

    private void SelectApp(string app) => Navigation.NavigateTo($"/gateway/{Uri.EscapeDataString(Env ?? "")}/{Uri.EscapeDataString(app)}");

    private static string RowClass(GatewayRouteView route, int index) => route.NoPassingInstance ? "route-unserved" : "";

    private static Color HealthColor(string health) => health switch
    {
        "passing" => Color.Success,
        "warning" => Color.Warning,
        _ => Color.Error,
    };

    private void OnChanged(string env)
    {
        if (Env is not null && env != Env) return;
        _ = InvokeAsync(async () =>
        {
            await LoadAsync();
            StateHasChanged();
        });
    }

    public void Dispose() => Gateway.Changed -= OnChanged;
}
