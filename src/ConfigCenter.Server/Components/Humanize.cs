using System.Globalization;

namespace ConfigCenter.Server.Components;

/// <summary>Short, human forms of times and durations for the UI.</summary>
internal static class Humanize
{
    public static string Duration(TimeSpan span) => span.TotalSeconds switch
    {
        < 1 => "less than a second",
        < 60 => $"{(int)span.TotalSeconds} s",
        < 3600 => $"{(int)span.TotalMinutes} min",
        < 86400 => $"{(int)span.TotalHours} h",
        _ => $"{(int)span.TotalDays} d",
    };

    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} KiB",
        _ => $"{bytes / (1024.0 * 1024):0.##} MiB",
    };

    public static string Ago(DateTimeOffset at, DateTimeOffset now)
    {
        var span = now - at;
        return span.TotalSeconds < 5 ? "just now" : $"{Duration(span)} ago";
    }

    public static string Time(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
