using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ConfigCenter.Client.Registry;

/// <summary>
/// Fills the service name from <c>ConfigCenter:App</c> and refuses settings that cannot register, at start-up and
/// before anything is written to etcd.
/// </summary>
internal sealed class ServiceRegistrationValidator(RegistryEtcd etcd, IConfiguration configuration) :
    IPostConfigureOptions<ServiceRegistrationOptions>, IValidateOptions<ServiceRegistrationOptions>
{
    public void PostConfigure(string? name, ServiceRegistrationOptions options)
    {
        if (string.IsNullOrEmpty(options.ServiceName)) options.ServiceName = etcd.App;
        if (options.ProtectionThreshold is null)
        {
            // What this process's discovery applies (ConfigCenter:Discovery), so the server shows the same threshold.
            var discovery = configuration[$"{ServiceRegistryOptions.SectionName}:{nameof(ServiceRegistryOptions.ProtectionThreshold)}"];
            options.ProtectionThreshold = double.TryParse(discovery, NumberStyles.Float, CultureInfo.InvariantCulture, out var threshold) ? threshold : 0;
        }
    }

    public ValidateOptionsResult Validate(string? name, ServiceRegistrationOptions options)
    {
        var failures = new List<string>();
        if (etcd.Problem() is { } problem) failures.Add(problem);
        if (ServiceNames.Check(options.ServiceName, "The service name (ConfigCenter:Registration:ServiceName, default ConfigCenter:App)") is { } bad) failures.Add(bad);
        if (options.InstanceId is not null && ServiceNames.CheckInstanceId(options.InstanceId) is { } badId) failures.Add(badId);
        if (options.Port is { } port && port is < 1 or > 65535) failures.Add($"Port {port} is out of range: use 1 to 65535.");
        if (options.Scheme is not (null or "http" or "https")) failures.Add($"Scheme '{options.Scheme}' is invalid: use http or https.");
        if (options.Address is { Length: 0 } || options.Address?.Contains('/', StringComparison.Ordinal) == true) failures.Add($"Address '{options.Address}' is invalid: give a host name or IP address.");
        if (options.Ttl < TimeSpan.FromSeconds(2)) failures.Add($"Ttl {options.Ttl} is too short: use at least 2 s.");
        if (options.HealthCheckInterval <= TimeSpan.Zero) failures.Add("HealthCheckInterval must be positive.");
        if (options.StartupTimeout <= TimeSpan.Zero) failures.Add("StartupTimeout must be positive.");
        if (options.ProtectionThreshold is < 0 or > 1) failures.Add($"ProtectionThreshold {options.ProtectionThreshold} is invalid: use 0 (off) to 1.");
        if (options.Weight < 0) failures.Add($"Weight {options.Weight} is invalid: use 0 (out of rotation) or more.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
