using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace ConfigCenter.UI.Tests;

/// <summary>A fresh bUnit context per test with MudBlazor services, loose JS interop and no transitions.</summary>
public abstract class UiTestContext : BunitContext, IAsyncLifetime
{
    protected UiTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(o =>
        {
            o.SnackbarConfiguration.ShowTransitionDuration = 0;
            o.SnackbarConfiguration.HideTransitionDuration = 0;
        });
        Services.AddSingleton(TimeProvider.System);
    }

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    // MudBlazor's services are only IAsyncDisposable; xUnit disposes asynchronously first, so the later Dispose() finds nothing left.
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    /// <summary>Renders a dialog provider and shows <typeparamref name="TDialog"/> in it.</summary>
    protected async Task<(IRenderedComponent<MudDialogProvider> Provider, IDialogReference Dialog)> ShowDialogAsync<TDialog>(DialogParameters<TDialog> parameters)
        where TDialog : Microsoft.AspNetCore.Components.IComponent
    {
        var provider = Render<MudDialogProvider>();
        var service = Services.GetRequiredService<IDialogService>();
        IDialogReference? dialog = null;
        await provider.InvokeAsync(async () => dialog = await service.ShowAsync<TDialog>("Dialog", parameters));
        return (provider, dialog!);
    }
}
