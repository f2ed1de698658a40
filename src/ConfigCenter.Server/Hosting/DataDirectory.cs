using ConfigCenter.Server.Infrastructure;
using Microsoft.Extensions.Options;

namespace ConfigCenter.Server.Hosting;

/// <summary>The resolved <c>ConfigCenter:DataDirectory</c>, created on first use.</summary>
public sealed class DataDirectory
{
    public DataDirectory(IOptions<ConfigCenterServerOptions> options, IHostEnvironment environment)
    {
        Path = System.IO.Path.GetFullPath(options.Value.DataDirectory, environment.ContentRootPath);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);
}
