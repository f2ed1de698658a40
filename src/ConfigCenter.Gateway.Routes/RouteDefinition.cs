namespace ConfigCenter.Gateway.Routes;

/// <summary>One route (<c>Routes:{id}:…</c>): what it matches and which registered service answers it.</summary>
public sealed record RouteDefinition
{
    /// <summary>The route id, the key under <c>Routes</c>; stable across releases so the gateway keeps its state.</summary>
    public required string Id { get; init; }

    /// <summary>What requests the route takes.</summary>
    public required RouteMatch Match { get; init; }

    /// <summary>The registry service name whose instances answer.</summary>
    public required string Service { get; init; }

    /// <summary>Who may call: anonymous (default), jwt or apikey.</summary>
    public RouteAuthorization Authorization { get; init; } = RouteAuthorization.Anonymous;

    /// <summary>The name of a policy under <c>RateLimits</c>, or null for none.</summary>
    public string? RateLimitPolicy { get; init; }

    /// <summary>How long the gateway waits for the service's answer; null = the gateway's default (100 s).</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Request/response transforms in YARP's key/value form, in order.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> Transforms { get; init; } = [];

    /// <summary>Retry requests of any method that got no response (not only GET/HEAD/OPTIONS). Off by default.</summary>
    public bool RetryNonIdempotent { get; init; }

    /// <summary>The largest request body this route accepts, bytes; null = the namespace's or the gateway's limit.</summary>
    public long? MaxRequestBodySize { get; init; }

    /// <summary>Route precedence when several match (lower first); null = by specificity.</summary>
    public int? Order { get; init; }

    /// <summary>Canary rule, or null.</summary>
    public CanaryRule? Canary { get; init; }
}

/// <summary>Who may call a route.</summary>
public enum RouteAuthorization
{
    /// <summary>Anyone.</summary>
    Anonymous,

    /// <summary>A JWT bearer token valid for the namespace's <c>Jwt</c> settings.</summary>
    Jwt,

    /// <summary>An API key issued by the config center, in <c>X-Api-Key</c>.</summary>
    ApiKey,
}
