using ConfigCenter.Storage.Entities;

namespace ConfigCenter.Server.Features.Audit;

/// <summary>The audit filters shared by the API, the CSV export and the /audit page.</summary>
public sealed record AuditFilter(string? App = null, string? Actor = null, string? Action = null, DateTimeOffset? From = null, DateTimeOffset? To = null)
{
    /// <summary>Entries matching every filter that is set: app (its own target or anything under it), actor (exact),
    /// action (exact, or a family such as <c>release</c> for <c>release.*</c>), and the half-open time range [from, to).</summary>
    internal IQueryable<AuditEntity> Apply(IQueryable<AuditEntity> query)
    {
        if (!string.IsNullOrWhiteSpace(App))
        {
            var app = App.Trim();
            var under = app + "/";
            query = query.Where(a => a.Target == app || a.Target.StartsWith(under));
        }
        if (!string.IsNullOrWhiteSpace(Actor))
        {
            var actor = Actor.Trim();
            query = query.Where(a => a.Actor == actor);
        }
        if (!string.IsNullOrWhiteSpace(Action))
        {
            var action = Action.Trim();
            var family = action + ".";
            query = query.Where(a => a.Action == action || a.Action.StartsWith(family));
        }
        if (From is { } from) query = query.Where(a => a.At >= from);
        if (To is { } to) query = query.Where(a => a.At < to);
        return query;
    }

    /// <summary>The filter as a query string for <c>/api/v1/audit</c> and the export link (empty filters left out).</summary>
    public string ToQueryString()
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value)) parts.Add($"{name}={Uri.EscapeDataString(value.Trim())}");
        }
        Add("app", App);
        Add("actor", Actor);
        Add("action", Action);
        Add("from", From?.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        Add("to", To?.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        return string.Join('&', parts);
    }
}

/// <summary>One audit entry as the API and the UI show it.</summary>
public sealed record AuditEntry(long Id, DateTimeOffset At, string Actor, string Address, string Action, string Target, string Detail, string Before, string After)
{
    internal static System.Linq.Expressions.Expression<Func<AuditEntity, AuditEntry>> FromEntity =>
        a => new AuditEntry(a.Id, a.At, a.Actor, a.Address, a.Action, a.Target, a.Detail, a.Before, a.After);
}

/// <summary>One page of audit entries, newest first, and how many match in all.</summary>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, int Total);
