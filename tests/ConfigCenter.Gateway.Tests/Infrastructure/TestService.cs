using System.Collections.Concurrent;
using ConfigCenter.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace ConfigCenter.Gateway.Tests.Infrastructure;

/// <summary>
/// A real Kestrel service in the test process, registered in the registry with AddConfigCenterRegistration (as any
/// service would be): <c>/whoami</c> answers its instance id, <c>/headers</c> echoes the request's headers,
/// <c>/slow</c> holds the request until <see cref="ReleaseSlow"/>, <c>POST /echo</c> reads the body and answers it
/// back and <c>GET /flaky</c> answers its instance id — each of these two cuts the connection instead of answering
/// while the shared <see cref="Aborts"/> budget lasts — and <c>/health</c> answers 503 while <see cref="HealthFailing"/>.
/// </summary>
public sealed class TestService : IAsyncDisposable
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _requests;
    private int _slowStarted;
    private int _flakyRequests;
    private int _whoAmIRequests;
    private volatile bool _healthFailing;

    private TestService(WebApplication app, string instanceId)
    {
        App = app;
        InstanceId = instanceId;
    }

    public WebApplication App { get; }

    public string InstanceId { get; }

    public int Requests => Volatile.Read(ref _requests);

    public int SlowStarted => Volatile.Read(ref _slowStarted);

    /// <summary>The bodies of the <c>POST /echo</c> requests that reached this instance, cut off or answered.</summary>
    public ConcurrentQueue<string> EchoBodies { get; } = new();

    /// <summary>How many <c>/whoami</c> requests reached this instance.</summary>
    public int WhoAmIRequests => Volatile.Read(ref _whoAmIRequests);

    /// <summary>How many <c>/flaky</c> requests reached this instance, cut off or answered.</summary>
    public int FlakyRequests => Volatile.Read(ref _flakyRequests);

    /// <summary>Cuts off <c>/echo</c> and <c>/flaky</c> requests while it lasts; may be shared by several instances.</summary>
    public AbortBudget? Aborts { get; set; }

    /// <summary>While true <c>/health</c> answers 503 (the registry's health of the instance is not affected).</summary>
    public bool HealthFailing
    {
        get => _healthFailing;
        set => _healthFailing = value;
    }

    /// <param name="fixture">The fixture whose etcd and environment the service registers in.</param>
    /// <param name="service">The service name.</param>
    /// <param name="version">Registry metadata <c>version</c>.</param>
    /// <param name="weight">Registry weight.</param>
    /// <param name="zone">Registry zone.</param>
    /// <param name="registeredPort">The port registered instead of the one listened on: a closed port makes an instance nobody can connect to.</param>
    public static async Task<TestService> StartAsync(GatewayFixture fixture, string service, string? version = null, int weight = 100, string? zone = null,
        int? registeredPort = null)
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
            if (registeredPort is not null) o.Port = registeredPort;
        });
        var app = builder.Build();
        var service1 = new TestService(app, instanceId);
        app.Use((context, next) =>
        {
            Interlocked.Increment(ref service1._requests);
            return next(context);
        });
        app.MapGet("/whoami", () =>
        {
            Interlocked.Increment(ref service1._whoAmIRequests);
            return Results.Ok(new { instanceId });
        });
        app.MapGet("/headers", (HttpContext context) => Results.Ok(context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
        app.MapGet("/slow", async () =>
        {
            Interlocked.Increment(ref service1._slowStarted);
            await service1._release.Task;
            return Results.Ok(new { instanceId });
        });
        app.MapPost("/echo", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            service1.EchoBodies.Enqueue(body);
            if (service1.Aborts?.TryTake() == true)
            {
                // The whole body was received; the caller never gets a response.
                context.Abort();
                return Results.Empty;
            }
            return Results.Ok(new { instanceId, body });
        });
        app.MapGet("/flaky", (HttpContext context) =>
        {
            Interlocked.Increment(ref service1._flakyRequests);
            if (service1.Aborts?.TryTake() == true)
            {
                context.Abort();
                return Results.Empty;
            }
            return Results.Ok(new { instanceId });
        });
        app.MapGet("/health", () => service1.HealthFailing ? Results.StatusCode(StatusCodes.Status503ServiceUnavailable) : Results.Ok("healthy"));
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
