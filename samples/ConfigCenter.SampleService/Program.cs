using ConfigCenter.Client;
using ConfigCenter.SampleService;

var builder = WebApplication.CreateBuilder(args);
// Reads the ConfigCenter section (appsettings.json, ConfigCenter__* environment variables, command line).
builder.Configuration.AddConfigCenter();
builder.Services.AddOptions<SampleSettings>().BindConfiguration(SampleSettings.Section);
builder.Services.AddConfigCenterChanges();
builder.Services.AddHostedService<ChangeLogger>();
builder.Services.AddHealthChecks().AddConfigCenterHealthCheck();
builder.AddSampleRegistry();

var app = builder.Build();
app.MapHealthChecks("/health");
app.MapGet("/config/{key}", (string key, IConfiguration configuration) =>
    configuration[key] is { } value ? Results.Text(value) : Results.NotFound());
app.MapSampleRegistry();
app.Run();
