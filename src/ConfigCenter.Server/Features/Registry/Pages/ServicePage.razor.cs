using ConfigCenter.Contracts;
using ConfigCenter.Server.Components;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace ConfigCenter.Server.Features.Registry.Pages;

/// <summary>The registered instances of one service in one environment, live: address, health, metadata, config revisions.</summary>
public sealed partial class ServicePage : UiPageBase, IDisposable
{
    private IReadOnlyList<RegistryEntry> _instances = [];
    private string? _error;

    [Parameter] public string Env { get; set; } = "";
    [Parameter] public string Service { get; set; } = "";

    [Inject] private RegistryView Registry { get; set; } = default!;
    [Inject] private RegistryAdmin Admin { get; set; } = default!;

    private ServiceProtection Protection => ServiceProtection.Of(_instances);

    private async Task DrainAsync(RegistryEntry entry, bool draining)
    {
        if (!await IsAdminAsync())
        {
            Snackbar.Add("Only an admin may drain an instance.", Severity.Error);
            return;
        }
        var result = await Admin.DrainAsync(Env, Service, entry.InstanceId, await UserNameAsync(), CancellationToken.None, draining);
        var (message, severity) = result switch
        {
            RegistryAdminResult.Done when draining => ($"Draining {entry.InstanceId}: discovery no longer returns it.", Severity.Success),
            RegistryAdminResult.Done => ($"{entry.InstanceId} is back in rotation.", Severity.Success),
            RegistryAdminResult.Conflict => ($"{entry.InstanceId} kept changing; try again.", Severity.Warning),
            _ => ($"{entry.InstanceId} is no longer registered.", Severity.Warning),
        };
        Snackbar.Add(message, severity);
    }

    private static string Percent(double? share) => share is { } s ? s.ToString("P0", System.Globalization.CultureInfo.InvariantCulture).Replace(" ", "", StringComparison.Ordinal) : "–";

    private async Task DeregisterAsync(RegistryEntry entry)
    {
        if (!await IsAdminAsync())
        {
            Snackbar.Add("Only an admin may deregister an instance.", Severity.Error);
            return;
        }
        var done = await Admin.DeregisterAsync(Env, Service, entry.InstanceId, await UserNameAsync(), CancellationToken.None);
        Snackbar.Add(done ? $"Deregistered {entry.InstanceId}." : $"{entry.InstanceId} is no longer registered.", done ? Severity.Success : Severity.Warning);
    }

    private List<BreadcrumbItem> Crumbs => [new("Dashboard", "/"), new("Services", "/services"), new($"{Service} ({Env})", null, disabled: true)];

    protected override void OnInitialized() => Registry.Changed += OnRegistryChanged;

    protected override Task OnParametersSetAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        if (!Registry.Enabled || Core.Names.ValidateEnvironment(Env) is not null) return;
        try
        {
            var services = await Registry.ServicesAsync(Env, CancellationToken.None);
            _instances = services.GetValueOrDefault(Service) ?? [];
            _error = null;
        }
        catch (TimeoutException)
        {
            _error = "etcd did not answer in time; the instances show up when it does.";
        }
    }

    private static string? Meta(RegistryEntry entry, string key) => entry.Metadata.GetValueOrDefault(key);

    private static Color HealthColor(string health) => health switch
    {
        "passing" => Color.Success,
        "warning" => Color.Warning,
        _ => Color.Error,
    };

    private void OnRegistryChanged(string env)
    {
        if (env != Env) return;
        _ = InvokeAsync(async () =>
        {
            await LoadAsync();
            StateHasChanged();
        });
    }

    public void Dispose() => Registry.Changed -= OnRegistryChanged;
}
