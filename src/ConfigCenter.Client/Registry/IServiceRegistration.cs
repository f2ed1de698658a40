using ConfigCenter.Contracts;

namespace ConfigCenter.Client;

/// <summary>
/// This process's own registration, for the application to change at run time. Injectable once
/// <c>services.AddConfigCenterRegistration()</c> was called. Weight and draining set here, by a change of the
/// <c>ConfigCenter:Registration</c> options, or by an admin on the server all last until the next change from any of
/// them; re-puts (health, applied config, a new lease) keep them.
/// </summary>
public interface IServiceRegistration
{
    /// <summary>The entry as last written to etcd; null before the host started.</summary>
    RegistryEntry? Current { get; }

    /// <summary>
    /// True after the entry was deleted by hand (an admin deregistered it while its lease was alive): the instance stays
    /// out of the registry until the process restarts or <see cref="RegisterAgainAsync"/> is called.
    /// </summary>
    bool IsDeregistered { get; }

    /// <summary>Takes the instance out of discovery (true) or puts it back (false) without deregistering it.</summary>
    /// <param name="draining">Whether the instance drains.</param>
    /// <param name="ct">Cancels the write.</param>
    /// <returns>Completes once etcd stored the entry (at once while no lease is held; the lease keeper puts it later).</returns>
    Task SetDrainingAsync(bool draining, CancellationToken ct);

    /// <summary>Sets the load-balancing weight; 0 takes the instance out of discovery.</summary>
    /// <param name="weight">0 or more.</param>
    /// <param name="ct">Cancels the write.</param>
    /// <returns>Completes once etcd stored the entry (at once while no lease is held; the lease keeper puts it later).</returns>
    Task SetWeightAsync(int weight, CancellationToken ct);

    /// <summary>Registers the instance again after a hand deregistration (nothing to do when it is registered).</summary>
    /// <param name="ct">Cancels the write.</param>
    /// <returns>Completes once etcd stored the entry.</returns>
    Task RegisterAgainAsync(CancellationToken ct);
}
