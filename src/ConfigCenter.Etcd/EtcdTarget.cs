using Grpc.Core;

namespace ConfigCenter.Etcd;

/// <summary>Where one call or stream goes: the endpoint's invoker, the request headers and the token they carry.</summary>
internal sealed record EtcdTarget(CallInvoker Invoker, Metadata Headers, string Endpoint, string? Token);
