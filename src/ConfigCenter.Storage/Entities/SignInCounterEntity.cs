namespace ConfigCenter.Storage.Entities;

/// <summary>
/// Failed sign-ins of one user name or one client address, in the database so that every server replica counts them
/// together (a lockout on one replica holds on all). One row per key, changed by one atomic upsert per failure; rows
/// neither locked nor inside their window are deleted.
/// </summary>
public sealed class SignInCounterEntity
{
    /// <summary><c>u:</c> and the upper-cased user name, or <c>a:</c> and the client address (a hash when too long).</summary>
    public required string Key { get; set; }

    /// <summary>Failures counted since <see cref="WindowStart"/> (0 again once they locked the key).</summary>
    public int Failures { get; set; }

    /// <summary>The first failure of the current window; failures after the window ends start a new one.</summary>
    public DateTimeOffset WindowStart { get; set; }

    /// <summary>When the lockout ends, if the key was locked.</summary>
    public DateTimeOffset? LockedUntil { get; set; }
}
