using System.Text.Json;
using ConfigCenter.Contracts;
using Microsoft.Extensions.Logging;

namespace ConfigCenter.Client.Internal;

/// <summary>
/// The last applied release of each namespace on disk, one <c>{namespace}.json</c> per namespace. Writes are
/// atomic (temp file + move over the old one); reads verify the checksum, and a bad file is ignored with a warning.
/// </summary>
internal sealed class LastKnownGoodCache(string directory, string app, string environment, ILogger logger)
{
    /// <summary>The source name of releases started from the cache.</summary>
    public const string Source = "cache";

    public string Directory { get; } = directory;

    public static string DefaultDirectory(string app, string environment)
    {
        var root = System.Environment.GetFolderPath(System.Environment.SpecialFolder.LocalApplicationData, System.Environment.SpecialFolderOption.DoNotVerify);
        if (string.IsNullOrEmpty(root)) root = Path.GetTempPath();
        return Path.Combine(root, "ConfigCenter", app, environment);
    }

    public string PathOf(string ns) => Path.Combine(Directory, ns + ".json");

    public void Write(ReleaseDocument document)
    {
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            var target = PathOf(document.Namespace);
            var temp = $"{target}.{Guid.NewGuid():N}.tmp";
            File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(document, ContractsJsonContext.Default.ReleaseDocument));
            File.Move(temp, target, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The cache is a fallback: failing to write it must not fail the reload, but it must be visible.
            logger.LogWarning(e, "Could not write the last-known-good cache for {Namespace} r{Revision} in {Directory}",
                document.Namespace, document.Revision, Directory);
        }
    }

    /// <summary>The cached, checksum-verified release of <paramref name="ns"/>; null when absent or unusable.</summary>
    public ReleaseDocument? Read(string ns)
    {
        var path = PathOf(ns);
        if (!File.Exists(path)) return null;
        try
        {
            var document = JsonSerializer.Deserialize(File.ReadAllBytes(path), ContractsJsonContext.Default.ReleaseDocument);
            if (document is null) throw new JsonException("The file holds no document.");
            if (document.App != app || document.Environment != environment || document.Namespace != ns)
            {
                logger.LogWarning("Ignoring cache file {Path}: it belongs to {App}/{Env}/{Namespace}", path, document.App, document.Environment, document.Namespace);
                return null;
            }
            if (!ReleaseChecksum.Verify(document))
            {
                logger.LogWarning("Ignoring corrupted cache file {Path}: the checksum does not match its items", path);
                return null;
            }
            return document;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            logger.LogWarning("Ignoring corrupted cache file {Path}: {Error}", path, e.Message);
            return null;
        }
    }
}
