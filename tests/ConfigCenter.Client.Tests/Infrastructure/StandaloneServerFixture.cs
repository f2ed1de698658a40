namespace ConfigCenter.Client.Tests.Infrastructure;

/// <summary>A standalone server (no etcd): the hub and the HTTP snapshot are the only transports.</summary>
public sealed class StandaloneServerFixture() : ServerFixtureBase(0);
