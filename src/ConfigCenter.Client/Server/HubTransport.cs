using System.Net;
using ConfigCenter.Client.Internal;
using ConfigCenter.Contracts;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;

namespace ConfigCenter.Client.Server;

/// <summary>
/// The server transport: a SignalR connection to <c>/hubs/config</c> that subscribes with the revisions already
/// applied (so a reconnect catches up on everything published during the gap), receives pushes, and reports each
/// applied revision back. While the hub is down the HTTP snapshot is polled instead.
/// </summary>
internal sealed class HubTransport : IDisposable
{
    public const string Name = "server";
    private const string HubSource = "hub";

    private readonly ConfigCenterOptions _options;
    private readonly ReleaseApplier _applier;
    private readonly ClientInstanceInfo _instance;
    private readonly Action _ready;
    private readonly ILogger _logger;
    private readonly SnapshotClient _snapshots;
    private readonly Uri _hubUrl;
    // Owned by RunAsync, which disposes each connection it opens when the connection ends.
#pragma warning disable CA2213
    private volatile HubConnection? _connection;
    private volatile string? _snapshotError;
#pragma warning restore CA2213

    public HubTransport(ConfigCenterOptions options, ReleaseApplier applier, ClientInstanceInfo instance, Action ready, ILogger logger)
    {
        _options = options;
        _applier = applier;
        _instance = instance;
        _ready = ready;
        _logger = logger;
        _snapshots = new SnapshotClient(options, applier);
        _hubUrl = new Uri(new Uri(options.Server.Url!.EndsWith('/') ? options.Server.Url : options.Server.Url + "/"), ConfigHubRoutes.Hub.TrimStart('/'));
        applier.Applied += Report;
    }

    public TransportStatus Status { get; } = new(Name);

    public string Url => _options.Server.Url!;

    public async Task RunAsync(CancellationToken ct)
    {
        var backoff = new Backoff(_options.MaxRetryDelay);
        long? lastSnapshot = null;
        var hubError = "";
        while (!ct.IsCancellationRequested)
        {
            await using var connection = Build();
            var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
            connection.Closed += e =>
            {
                closed.TrySetResult(e);
                return Task.CompletedTask;
            };
            connection.On<ReleaseDocument>(nameof(IConfigHubClient.ReleasePublished), d => _applier.Offer([d], HubSource));
            try
            {
                await connection.StartAsync(ct);
                // Revisions and generations from one snapshot: the server returns a namespace's current document
                // when its revision is higher or its generation differs (the app was deleted and created again).
                var known = _applier.Current;
                var documents = await connection.InvokeAsync<List<ReleaseDocument>>(nameof(IConfigHub.Subscribe),
                    _options.App, _options.Environment, _options.Namespaces.ToList(),
                    known.ToDictionary(p => p.Key, p => p.Value.Revision, StringComparer.Ordinal),
                    _instance with { KnownGenerations = known.ToDictionary(p => p.Key, p => p.Value.Generation, StringComparer.Ordinal) }, ct);
                _applier.Offer(documents, HubSource);
                _connection = connection;
                Status.Up(Url);
                ReportAll(connection);
                _ready();
                backoff.Reset();
                lastSnapshot = null;
                var error = await closed.Task.WaitAsync(ct);
                hubError = error?.Message ?? "the hub connection closed";
                Status.Down(Url, hubError);
                _logger.LogWarning("ConfigCenter hub connection to {Url} closed: {Error}; reconnecting", Url, error?.Message ?? "closed");
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                hubError = Describe(e);
                // Keep the snapshot's last answer next to the hub's: a start-up failure names both, whichever came last.
                Status.Down(Url, _snapshotError is null ? hubError : $"hub: {hubError}; HTTP snapshot: {_snapshotError}");
                _logger.LogWarning("ConfigCenter hub {Url} unavailable: {Error}", _hubUrl, hubError);
            }
            finally
            {
                _connection = null;
            }
            // Polling only while the hub is down: immediately after losing it, then every PollInterval.
            if (lastSnapshot is null || _options.TimeProvider.GetElapsedTime(lastSnapshot.Value) >= _options.Server.PollInterval)
            {
                lastSnapshot = _options.TimeProvider.GetTimestamp();
                await CatchUpOverHttpAsync(hubError, ct);
            }
            await Task.Delay(backoff.Next(), _options.TimeProvider, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task CatchUpOverHttpAsync(string hubError, CancellationToken ct)
    {
        try
        {
            await _snapshots.FetchAllAsync(ct);
            _snapshotError = null;
            _ready();
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            _snapshotError = Describe(e);
            Status.Down(Url, $"hub: {hubError}; HTTP snapshot: {_snapshotError}");
            _logger.LogWarning("ConfigCenter HTTP snapshot from {Url} failed: {Error}", Url, Describe(e));
        }
    }

    private HubConnection Build() => new HubConnectionBuilder()
        .WithUrl(_hubUrl, o => o.Headers[ConfigHubRoutes.ApiKeyHeader] = _options.Server.ApiKey ?? "")
        .Build();

    private void Report(ReleasesApplied applied)
    {
        if (_connection is not { State: HubConnectionState.Connected } connection) return;
        foreach (var release in applied.Releases) _ = SendAppliedAsync(connection, release.Document.Namespace, release.Document.Revision);
    }

    private void ReportAll(HubConnection connection)
    {
        foreach (var (ns, document) in _applier.Current) _ = SendAppliedAsync(connection, ns, document.Revision);
    }

    private async Task SendAppliedAsync(HubConnection connection, string ns, long revision)
    {
        try
        {
            await connection.SendAsync(nameof(IConfigHub.Applied), ns, revision);
        }
        catch (Exception e)
        {
            // Confirmed delivery is re-sent after the next subscribe, so a lost report is only logged.
            _logger.LogDebug("Could not report {Namespace} r{Revision} as applied: {Error}", ns, revision, e.Message);
        }
    }

    private static string Describe(Exception e) => e switch
    {
        HttpRequestException { StatusCode: HttpStatusCode.Unauthorized } => "401 Unauthorized: the server rejected the API key (Server:ApiKey)",
        HttpRequestException { StatusCode: HttpStatusCode.Forbidden } => "403 Forbidden: the API key is not valid for this app and environment",
        HubException hub => hub.Message,
        _ => e.Message,
    };

    public void Dispose()
    {
        _applier.Applied -= Report;
        _snapshots.Dispose();
    }
}
