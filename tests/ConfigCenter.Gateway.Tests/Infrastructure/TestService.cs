using ConfigCenter.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace ConfigCenter.Gateway.Tests.Infrastructure;

/// <summary>
/// A real Kestrel service in the test process, registered in the registry with AddConfigCenterRegistration (as any
/// service would be): <c>/whoami</c> answers its instance id, <c>/headers</c> echoes the request's headers, and
/// <c>/slow</c> holds the request until <see cref="ReleaseSlow"/>.
/// </summary>
public sealed class TestService : IAsyncDisposable
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _requests;
    private int _slowStarted;

    private TestService(WebApplication app, string instanceId)
    {
        App = app;
        InstanceId = instanceId;
    }

    public WebApplication App { get; }

    public string InstanceId { get; }

    public int Requests => Volatile.Read(ref _requests);

    public int SlowStarted => Volatile.Read(ref _slowStarted);

    public static async Task<TestService> StartAsync(GatewayFixture fixture, string service, string? version = null, int weight = 100, string? zone = null)
    {
        var instanceId = $"{service}-{Guid.NewGuid().ToString("N")[..8]}";
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(fixture.Settings(service));
        builder.Services.AddConfigCenterRegistration(o =>
        {
            o.InstanceId = instanceId;
            o.Version = version;
            o.Weight = weight;
            o.Zone = zone;
        });
        var app = builder.Build();
        var service1 = new TestService(app, instanceId);
        app.Use((context, next) =>
        {
            Interlocked.Increment(ref service1._requests);
            return next(context);
        });
        app.MapGet("/whoami", () => Results.Ok(new { instanceId }));
        app.MapGet("/headers", (HttpContext context) => Results.Ok(context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
        app.MapGet("/slow", async () =>
        {
            Interlocked.Increment(ref service1._slowStarted);
            await service1._release.Task;
            return Results.Ok(new { instanceId });
        });
        await app.StartAsync();
        return service1;
    }

    public void ReleaseSlow() => _release.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        ReleaseSlow();
        await App.DisposeAsync();
    }
}
