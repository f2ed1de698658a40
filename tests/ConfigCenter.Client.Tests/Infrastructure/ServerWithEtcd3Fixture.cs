namespace ConfigCenter.Client.Tests.Infrastructure;

/// <summary>Three etcd members and a server in etcd mode.</summary>
public sealed class ServerWithEtcd3Fixture() : ServerFixtureBase(3);
