namespace ConfigCenter.Client.Tests.Infrastructure;

/// <summary>One etcd member and a server in etcd mode.</summary>
public sealed class ServerWithEtcdFixture() : ServerFixtureBase(1);
