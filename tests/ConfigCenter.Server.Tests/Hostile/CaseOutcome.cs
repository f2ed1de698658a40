using System.Text.Json;

namespace ConfigCenter.Server.Tests.Hostile;

/// <summary>What the server answered to one case, and every rule the answer breaks.</summary>
internal sealed record CaseOutcome(HostileCase Case, int Status, string? MediaType, string Body, string? Location, TimeSpan Elapsed, string? Error)
{
    /// <summary>
    /// Longest any single case may take to be answered: a hang detector, not a latency target. On two cores shared with
    /// other builds (load average 25+), refusing a 600 KB YAML of 300,000 values took 3-10 s with four requests in flight;
    /// the run prints its slowest cases.
    /// </summary>
    public static readonly TimeSpan MaxAnswerTime = TimeSpan.FromSeconds(30);

    public bool Accepted => Status is >= 200 and < 300;

    public IEnumerable<string> Violations()
    {
        if (Error is not null)
        {
            yield return $"no answer: {Error}";
            yield break;
        }
        if (Status >= 500) yield return $"answered {Status}: {Excerpt}";
        if (Case.MustReject && Status is < 400 or >= 500) yield return $"must be refused with a 4xx, answered {Status}: {Excerpt}";
        var refusedByKestrel = Case.KestrelRefusesTarget && Status == 400 && Body.Length == 0;
        if (Status is >= 400 and < 500 && !refusedByKestrel && ProblemViolation() is { } problem) yield return $"{Status} is not problem details ({problem}): {Excerpt}";
        if (Status is >= 300 and < 400 && !IsLocal(Location)) yield return $"redirects off-site to '{Location}'";
        if (Elapsed > MaxAnswerTime) yield return $"answered after {Elapsed.TotalSeconds:F1} s";
    }

    private string Excerpt => Body.Length <= 300 ? Body : Body[..300] + "…";

    private string? ProblemViolation()
    {
        if (MediaType != "application/problem+json") return $"Content-Type {MediaType ?? "none"}";
        try
        {
            using var problem = JsonDocument.Parse(Body);
            if (!problem.RootElement.TryGetProperty("status", out var status) || status.GetInt32() != Status) return "no matching status";
            return problem.RootElement.TryGetProperty("title", out var title) && !string.IsNullOrWhiteSpace(title.GetString()) ? null : "no title";
        }
        catch (JsonException e)
        {
            return $"not JSON: {e.Message}";
        }
    }

    private static bool IsLocal(string? location) =>
        location is { Length: > 0 } && location[0] == '/' && (location.Length == 1 || (location[1] != '/' && location[1] != '\\'));
}
