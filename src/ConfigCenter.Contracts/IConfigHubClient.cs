namespace ConfigCenter.Contracts;

/// <summary>Messages the server sends to clients on <see cref="ConfigHubRoutes.Hub"/>.</summary>
public interface IConfigHubClient
{
    /// <summary>A new release of a subscribed namespace was published.</summary>
    Task ReleasePublished(ReleaseDocument document);
}

/// <summary>Methods clients invoke on the hub.</summary>
public interface IConfigHub
{
    /// <summary>
    /// Joins the groups of the given namespaces and returns every current document newer than
    /// the revision the client already knows (missing from <paramref name="knownRevisions"/> = 0).
    /// </summary>
    Task<IReadOnlyList<ReleaseDocument>> Subscribe(string app, string env, IReadOnlyList<string> namespaces,
        IReadOnlyDictionary<string, long> knownRevisions, ClientInstanceInfo instance);

    /// <summary>Reports that this client applied <paramref name="revision"/> of <paramref name="ns"/>.</summary>
    Task Applied(string ns, long revision);
}

/// <summary>Who a client is, reported at subscribe for confirmed delivery.</summary>
public sealed record ClientInstanceInfo
{
    /// <summary>A unique, stable-per-process instance id.</summary>
    public required string InstanceId { get; init; }

    /// <summary>The machine name.</summary>
    public string Host { get; init; } = "";

    /// <summary>The process id.</summary>
    public int ProcessId { get; init; }

    /// <summary>The ConfigCenter.Client version.</summary>
    public string ClientVersion { get; init; } = "";

    /// <summary>
    /// The generation of each namespace's known revision (see <see cref="ReleaseDocument.Generation"/>). A current
    /// document of another generation is returned by Subscribe even when its revision is not higher.
    /// </summary>
    public IReadOnlyDictionary<string, string> KnownGenerations { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// True when the client leaves its own presence entry in the registry (it reads etcd); otherwise the server it is
    /// connected to writes one for it. Absent (false) from older clients.
    /// </summary>
    public bool WritesPresence { get; init; }
}

/// <summary>Routes and header names shared by server and client.</summary>
public static class ConfigHubRoutes
{
    /// <summary>The SignalR hub path.</summary>
    public const string Hub = "/hubs/config";

    /// <summary>The header carrying a client API key.</summary>
    public const string ApiKeyHeader = "X-Api-Key";

    /// <summary>The client read endpoint for one namespace.</summary>
    public static string Snapshot(string env, string app, string ns) => $"/api/v1/config/{env}/{app}/{ns}";
}
