using ConfigCenter.Core;
using ConfigCenter.Gateway.Routes;
using ConfigCenter.Server.Features.Registry;
using ConfigCenter.Server.Infrastructure;
using ConfigCenter.Storage;
using ConfigCenter.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ConfigCenter.Server.Features.Gateway;

/// <summary>
/// Refuses to publish a gateway routes namespace (a json namespace named <c>ConfigCenter:Gateway:RoutesNamespace</c>,
/// default <c>routes</c>) that the gateway would reject, with the same <see cref="RoutesReader"/> the gateway runs.
/// A service is known when an app of that id exists or an instance of it is registered in the environment.
/// </summary>
public sealed class RoutesPublishCheck
{
    private readonly RegistryView _registry;
    private readonly IOptions<ConfigCenterServerOptions> _options;
    private readonly ILogger<RoutesPublishCheck> _logger;

    internal RoutesPublishCheck(RegistryView registry, IOptions<ConfigCenterServerOptions> options, ILogger<RoutesPublishCheck> logger)
    {
        _registry = registry;
        _options = options;
        _logger = logger;
    }

    /// <summary>True when <paramref name="ns"/> holds gateway routes.</summary>
    public bool Applies(NamespaceEntity ns) =>
        ns.Format == NamespaceFormat.Json && string.Equals(ns.Name, _options.Value.Gateway.RoutesNamespace, StringComparison.Ordinal);

    /// <summary>Throws a 400 <see cref="ConfigCenterException"/> naming the first bad item (all of them in the detail).</summary>
    public async Task CheckAsync(ConfigCenterDbContext db, NamespaceEntity ns, string env, IReadOnlyDictionary<string, string?> items, CancellationToken ct)
    {
        if (!Applies(ns)) return;
        var structure = RoutesReader.Read(items);
        if (!structure.IsValid) throw Refused(structure.Errors);

        var services = structure.Routes!.Services.ToList();
        if (services.Count == 0) return;
        var apps = await db.Apps.AsNoTracking().Where(a => services.Contains(a.Id)).Select(a => a.Id).ToListAsync(ct);
        var registered = new HashSet<string>(StringComparer.Ordinal);
        if (_registry.Enabled && services.Except(apps, StringComparer.Ordinal).Any())
        {
            try
            {
                registered.UnionWith((await _registry.ServicesAsync(env, ct)).Where(s => s.Value.Count > 0).Select(s => s.Key));
            }
            catch (TimeoutException e)
            {
                // The registry cannot answer: only apps count as known, which may refuse a route to an app-less service.
                _logger.LogWarning(e, "The registry of {Environment} did not answer; checking routes against apps only", env);
            }
        }
        var known = new HashSet<string>(apps, StringComparer.Ordinal);
        known.UnionWith(registered);
        var result = RoutesReader.Read(items, known.Contains);
        if (!result.IsValid) throw Refused(result.Errors);
    }

    private static ConfigCenterException Refused(IReadOnlyList<RoutesError> errors)
    {
        var detail = $"The gateway would reject these routes: {string.Join("; ", errors.Select(e => $"{e.Path}: {e.Message}"))}";
        return ConfigCenterException.Invalid(new ValidationError(errors[0].Path, detail));
    }
}
