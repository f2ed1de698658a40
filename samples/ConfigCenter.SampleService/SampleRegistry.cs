using ConfigCenter.Client;

namespace ConfigCenter.SampleService;

/// <summary>
/// The registry half of the sample: with etcd endpoints configured the service registers itself, <c>GET /whoami</c>
/// says which instance answered, and <c>GET /call/{service}</c> calls an instance of another (or this) service by
/// name through <c>HttpClient</c> + service discovery, <c>http://{service}</c>, and returns who answered; a background
/// job runs on the elected leader only, and <c>GET /leader</c> shows whether this instance leads and its job's ticks.
/// </summary>
public static class SampleRegistry
{
    private const string PeersClient = "peers";

    /// <summary>The id this process registers under unless configuration names one.</summary>
    public static string InstanceId { get; private set; } = "";

    /// <summary>Registers this instance and discovery when etcd is configured (the registry lives in etcd).</summary>
    public static WebApplicationBuilder AddSampleRegistry(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        InstanceId = configuration["ConfigCenter:Registration:InstanceId"]
            ?? $"{configuration["ConfigCenter:App"] ?? "sample"}-{Environment.ProcessId}";
        if (!configuration.GetSection("ConfigCenter:Etcd:Endpoints").GetChildren().Any()) return builder;

        builder.Services.AddConfigCenterRegistration(o => o.InstanceId = InstanceId);
        builder.Services.AddServiceDiscovery().AddConfigCenterServiceEndpoints();
        // The handler resolves the host of each request (http://{service}) to a registered instance, round robin.
        builder.Services.AddHttpClient(PeersClient, c => c.Timeout = TimeSpan.FromSeconds(5)).AddServiceDiscovery();
        // A job only one instance runs at a time: the leader of the sample-job election.
        builder.Services.AddConfigCenterLeaderElection(LeaderJob.Election, configuration.GetValue<TimeSpan?>("Sample:Leader:Ttl"));
        builder.Services.AddSingleton<LeaderJobState>();
        builder.Services.AddHostedService<LeaderJob>();
        return builder;
    }

    /// <summary>Maps <c>/whoami</c>, <c>/call/{service}</c> and <c>/leader</c>.</summary>
    public static WebApplication MapSampleRegistry(this WebApplication app)
    {
        app.MapGet("/whoami", (HttpContext context) => new WhoAmI(InstanceId, context.Connection.LocalPort));
        app.MapGet("/leader", (IServiceProvider services) => services.GetService<LeaderJobState>() is { } state
            ? Results.Ok(new LeaderStatus(InstanceId, state.IsLeader, state.Ticks, state.FencingToken))
            : Results.Problem("The leader job needs ConfigCenter:Etcd:Endpoints.", statusCode: StatusCodes.Status503ServiceUnavailable));
        app.MapGet("/call/{service}", async (string service, IServiceProvider services, ILogger<WhoAmI> logger, CancellationToken ct) =>
        {
            if (services.GetService<IHttpClientFactory>() is not { } factory)
            {
                return Results.Problem("Discovery needs ConfigCenter:Etcd:Endpoints.", statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            using var http = factory.CreateClient(PeersClient);
            // One retry: an instance killed with -9 stays registered until its lease expires, and a refused connection
            // to it costs one attempt; round robin hands the retry to the next instance.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var answer = await http.GetFromJsonAsync<WhoAmI>(new Uri($"http://{service}/whoami"), ct).ConfigureAwait(false);
                    return Results.Ok(new CallResult(InstanceId, answer!, attempt));
                }
                catch (HttpRequestException e) when (attempt == 1)
                {
                    logger.LogInformation("Calling {Service} failed ({Error}); retrying on the next instance", service, e.Message);
                }
                catch (HttpRequestException e)
                {
                    return Results.Problem($"Calling {service} failed: {e.Message}", statusCode: StatusCodes.Status502BadGateway);
                }
            }
        });
        return app;
    }
}

/// <summary>Who answered: the instance id and the port it listens on.</summary>
public sealed record WhoAmI(string InstanceId, int Port);

/// <summary>The answer of <c>/call/{service}</c>: who called, who answered, and after how many attempts.</summary>
public sealed record CallResult(string Caller, WhoAmI AnsweredBy, int Attempts);
