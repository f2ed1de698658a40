using System.Text.Json;
using ConfigCenter.Cli.Api;

namespace ConfigCenter.Cli;

/// <summary>The saved login: {profile}/credentials.json, readable by its owner only (0600), like ~/.ssh keys.</summary>
internal sealed record Credentials(string Server, string Token, DateTimeOffset ExpiresAt)
{
    public const string FileName = "credentials.json";

    public static string PathIn(string profileDirectory) => System.IO.Path.Combine(profileDirectory, FileName);

    public static Credentials? Load(string profileDirectory)
    {
        var path = PathIn(profileDirectory);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<Credentials>(File.ReadAllText(path), ConfigCenterApi.Json);
        }
        catch (JsonException)
        {
            throw new CliException($"{path} is not valid JSON; delete it and run `configcenter login` again.");
        }
    }

    public async Task SaveAsync(string profileDirectory, CancellationToken ct)
    {
        Directory.CreateDirectory(profileDirectory);
        var path = PathIn(profileDirectory);
        // Created with 0600 before the token is written, so it is never readable by others, even briefly.
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using (var stream = new FileStream(path, options))
        {
            await JsonSerializer.SerializeAsync(stream, this, ConfigCenterApi.Json, ct);
        }
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
