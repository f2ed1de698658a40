using ConfigCenter.Server.Components;
using ConfigCenter.Server.Features.Apps;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace ConfigCenter.Server.Features.Registry.Pages;

/// <summary>The services registered per environment with instance counts and health, live from the registry watch.</summary>
public sealed partial class ServicesPage : UiPageBase, IDisposable
{
    private IReadOnlyList<EnvironmentView> _environments = [];
    private readonly Dictionary<string, IReadOnlyList<RegistryApi.ServiceSummary>> _services = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _errors = new(StringComparer.Ordinal);

    [Inject] private RegistryView Registry { get; set; } = default!;
    [Inject] private AppService Apps { get; set; } = default!;

    private static List<BreadcrumbItem> Crumbs => [new("Dashboard", "/"), new("Services", null, disabled: true)];

    protected override async Task OnInitializedAsync()
    {
        Registry.Changed += OnRegistryChanged;
        _environments = await Apps.ListEnvironmentsAsync(CancellationToken.None);
        foreach (var env in _environments) await LoadAsync(env.Id);
    }

    private IReadOnlyList<RegistryApi.ServiceSummary> Rows(string env) => _services.GetValueOrDefault(env) ?? [];

    private async Task LoadAsync(string env)
    {
        if (!Registry.Enabled) return;
        try
        {
            var services = await Registry.ServicesAsync(env, CancellationToken.None);
            _services[env] = [.. services.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => RegistryApi.ServiceSummary.Of(s.Key, s.Value))];
            _errors.Remove(env);
        }
        catch (TimeoutException)
        {
            _errors[env] = "etcd did not answer in time; the list shows up when it does.";
        }
    }

    private static Color HealthColor(RegistryApi.ServiceSummary s) =>
        s.Healthy == s.Instances ? Color.Success : s.Healthy == 0 ? Color.Error : Color.Warning;

    private static string HealthText(RegistryApi.ServiceSummary s) =>
        s.Healthy == s.Instances ? "all passing" : s.Healthy == 0 ? "none passing" : $"{s.Instances - s.Healthy} not passing";

    private static string Percent(double? share) => share is { } s ? s.ToString("P0", System.Globalization.CultureInfo.InvariantCulture).Replace(" ", "", StringComparison.Ordinal) : "–";

    private void OnRegistryChanged(string env) => _ = InvokeAsync(async () =>
    {
        await LoadAsync(env);
        StateHasChanged();
    });

    public void Dispose() => Registry.Changed -= OnRegistryChanged;
}
