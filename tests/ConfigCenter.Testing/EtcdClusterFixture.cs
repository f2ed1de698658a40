using Xunit;

namespace ConfigCenter.Testing;

/// <summary>Base of the xunit class fixtures that own an <see cref="EtcdCluster"/> for one test class.</summary>
public abstract class EtcdClusterFixtureBase : IAsyncLifetime
{
    private readonly int members;
    private EtcdCluster? cluster;

    /// <summary>Creates a fixture that starts <paramref name="members"/> etcd members.</summary>
    protected EtcdClusterFixtureBase(int members) => this.members = members;

    /// <summary>The running cluster (available once xunit has initialized the fixture).</summary>
    public EtcdCluster Cluster => cluster ?? throw new InvalidOperationException("The etcd fixture has not been initialized yet.");

    /// <summary>Client URLs of all members ("http://127.0.0.1:PORT").</summary>
    public IReadOnlyList<string> Endpoints => Cluster.Endpoints;

    /// <summary>Client URLs of all members, comma-separated.</summary>
    public string EndpointsCsv => Cluster.EndpointsCsv;

    /// <summary>A key prefix no other test uses, so tests sharing the fixture do not see each other's keys.</summary>
    public static string NewPrefix() => $"/t-{Guid.NewGuid():N}";

    /// <inheritdoc />
    public async Task InitializeAsync() => cluster = await EtcdCluster.StartAsync(members).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (cluster is not null)
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>A one-member etcd cluster shared by a test class (<c>IClassFixture&lt;EtcdClusterFixture&gt;</c>).</summary>
public sealed class EtcdClusterFixture : EtcdClusterFixtureBase
{
    /// <summary>Creates the fixture (the cluster starts in <see cref="EtcdClusterFixtureBase.InitializeAsync"/>).</summary>
    public EtcdClusterFixture()
        : base(1)
    {
    }
}

/// <summary>A three-member etcd cluster shared by a test class (<c>IClassFixture&lt;EtcdClusterFixture3&gt;</c>).</summary>
public sealed class EtcdClusterFixture3 : EtcdClusterFixtureBase
{
    /// <summary>Creates the fixture (the cluster starts in <see cref="EtcdClusterFixtureBase.InitializeAsync"/>).</summary>
    public EtcdClusterFixture3()
        : base(3)
    {
    }
}
