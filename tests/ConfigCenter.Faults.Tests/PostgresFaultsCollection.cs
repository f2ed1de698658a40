using ConfigCenter.Testing;

namespace ConfigCenter.Faults.Tests;

/// <summary>
/// The PostgreSQL scenarios (3 on PostgreSQL, 7, 8) share one real PostgreSQL server (each its own database): starting
/// one costs seconds of the suite's budget. Scenario 7 stops and starts it, and leaves it running.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PostgresFaultsCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "PostgreSQL fault scenarios";
}
