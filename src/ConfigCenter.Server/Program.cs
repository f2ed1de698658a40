using ConfigCenter.Server.Hosting;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, WebRootPath = ServerPaths.WebRoot() });
builder.AddConfigCenterServer();

var app = builder.Build();
app.MapConfigCenter();
app.Run();

/// <summary>Entry point, visible to WebApplicationFactory-based tests.</summary>
public partial class Program;
