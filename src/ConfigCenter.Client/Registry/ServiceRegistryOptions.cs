namespace ConfigCenter.Client;

/// <summary>How discovery (<see cref="IServiceRegistry"/>) filters instances, bound from <c>ConfigCenter:Discovery</c>.</summary>
public sealed class ServiceRegistryOptions
{
    /// <summary>The configuration section the options bind from: <c>ConfigCenter:Discovery</c>.</summary>
    public const string SectionName = "ConfigCenter:Discovery";

    /// <summary>
    /// The protection threshold, 0 to 1 (as in Nacos). When the share of <c>passing</c> instances among a service's
    /// instances in rotation falls below it, discovery returns every instance in rotation instead of the few healthy
    /// ones, so a flapping health check cannot stampede the survivors. Default 0: off.
    /// </summary>
    public double ProtectionThreshold { get; set; }
}
