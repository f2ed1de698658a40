using Microsoft.Extensions.Logging;

namespace ConfigCenter.Client;

/// <summary>
/// Settings of the ConfigCenter configuration source, bound from the <c>ConfigCenter</c> section
/// (DESIGN.md §4.6) and/or set in code. Either transport alone is enough; with both configured both run
/// and the newest revision wins.
/// </summary>
public sealed class ConfigCenterOptions
{
    /// <summary>The configuration section the options bind from: <c>ConfigCenter</c>.</summary>
    public const string SectionName = "ConfigCenter";

    /// <summary>The application id, e.g. <c>order-service</c>.</summary>
    public string App { get; set; } = "";

    /// <summary>The environment slug, e.g. <c>prod</c>.</summary>
    public string Environment { get; set; } = "";

    /// <summary>The namespaces to load, in layering order: later namespaces override earlier ones.</summary>
    public IList<string> Namespaces { get; set; } = ["application"];

    /// <summary>The etcd transport; used when <see cref="EtcdTransportOptions.Endpoints"/> is not empty.</summary>
    public EtcdTransportOptions Etcd { get; set; } = new();

    /// <summary>The server transport (SignalR hub + HTTP snapshot); used when <see cref="ServerTransportOptions.Url"/> is set.</summary>
    public ServerTransportOptions Server { get; set; } = new();

    /// <summary>
    /// Where last-known-good release files are kept. Default: <c>ConfigCenter/{app}/{environment}</c> under the
    /// user's local application data folder (or the temp folder when there is none).
    /// </summary>
    public string? CacheDirectory { get; set; }

    /// <summary>
    /// When true, start with empty configuration (and keep retrying in the background) if neither a live source
    /// nor the cache is available; when false (default) start-up fails with an explanation.
    /// </summary>
    public bool Optional { get; set; }

    /// <summary>How long start-up waits for a live source before falling back to the cache. Default 5 s.</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait between two reconnect attempts (the backoff is exponential and jittered). Default 10 s.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Logs from the provider (it runs before dependency injection exists). Default: no logging.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>The clock used for backoff and ages; tests inject their own. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>A stable id for this client instance, reported to the server. Default: host name + process id + random suffix.</summary>
    public string? InstanceId { get; set; }

    /// <summary>
    /// Whether this client leaves its presence (instance id and applied revisions, not discoverable) in the registry
    /// when it has etcd endpoints, so the server's instances view shows it. Default: true.
    /// </summary>
    public bool Presence { get; set; } = true;

    /// <summary>
    /// The environment's secret keys (base64, 32 bytes each), bound from <c>ConfigCenter:SecretKeys</c>: secret values arrive
    /// encrypted and are decrypted with the key whose id the value names before they reach configuration. List the current
    /// key and, during a rotation, the previous one. A release whose secrets no listed key opens is refused with an error.
    /// </summary>
    public IList<string> SecretKeys { get; set; } = [];
}
