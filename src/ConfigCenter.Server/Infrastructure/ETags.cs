using System.Globalization;
using Microsoft.Net.Http.Headers;

namespace ConfigCenter.Server.Infrastructure;

/// <summary>Reads version numbers from If-Match / If-None-Match headers.</summary>
internal static class ETags
{
    /// <summary>The version in If-Match; null when absent or "*". A value that is no version of ours is a stale one.</summary>
    public static long? IfMatch(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(header) || header.Trim() == "*") return null;
        if (!EntityTagHeaderValue.TryParse(header.Split(',')[0].Trim(), out var tag)
            || !long.TryParse(tag.Tag.AsSpan().Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            throw new ConfigCenterException(StatusCodes.Status412PreconditionFailed, "Precondition failed",
                $"If-Match '{header}' is not a draft version; send the ETag you received, like \"3\".");
        }
        return version;
    }

    public static string Format(long version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";
}
