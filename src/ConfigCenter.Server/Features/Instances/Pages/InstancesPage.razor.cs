using ConfigCenter.Contracts;
using ConfigCenter.Server.Components;
using ConfigCenter.Server.Features.Delivery;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace ConfigCenter.Server.Features.Instances.Pages;

/// <summary>Which client instance runs which revision of a namespace, live.</summary>
public sealed partial class InstancesPage : UiPageBase, IDisposable
{
    private IReadOnlyList<InstanceView> _instances = [];
    private long? _live;

    [Parameter] public string App { get; set; } = "";
    [Parameter] public string Env { get; set; } = "";
    [Parameter] public string Ns { get; set; } = "";

    [Inject] private InstanceTracker Tracker { get; set; } = default!;
    [Inject] private InstanceDirectory Directory { get; set; } = default!;
    [Inject] private Registry.RegistryView Registry { get; set; } = default!;
    [Inject] private ReleaseCache Cache { get; set; } = default!;

    private List<BreadcrumbItem> Crumbs => [new("Dashboard", "/"), new("Apps", "/apps"), new(App, $"/apps/{App}"),
        new($"{Ns} ({Env})", $"/apps/{App}/{Env}/{Ns}"), new("Instances", null, disabled: true)];

    protected override void OnInitialized()
    {
        Tracker.Changed += OnInstancesChanged;
        Registry.Changed += OnRegistryChanged;
        Cache.Published += OnPublished;
    }

    protected override Task OnParametersSetAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        _instances = await Directory.ListAsync(App, Env, CancellationToken.None);
        _live = Cache.Get(Env, App, Ns)?.Document.Revision;
    }

    /// <summary>Host, then the pid and client version when the instance told them (registry entries without them show neither).</summary>
    private static string HostText(InstanceView instance)
    {
        var text = instance.Host;
        if (instance.ProcessId > 0) text += $" (pid {instance.ProcessId})";
        if (!string.IsNullOrEmpty(instance.ClientVersion)) text += $" · client {instance.ClientVersion}";
        return text;
    }

    private void Refresh() => _ = InvokeAsync(async () => { await LoadAsync(); StateHasChanged(); });

    private void OnInstancesChanged(string app, string env)
    {
        if (app == App && env == Env) Refresh();
    }

    private void OnRegistryChanged(string env)
    {
        if (env == Env) Refresh();
    }

    private void OnPublished(ReleaseDocument document)
    {
        if (document.App == App && document.Environment == Env) Refresh();
    }

    public void Dispose()
    {
        Tracker.Changed -= OnInstancesChanged;
        Registry.Changed -= OnRegistryChanged;
        Cache.Published -= OnPublished;
    }
}
