using Grpc.Core;

namespace ConfigCenter.Server.Features.Delivery;

/// <summary>Which etcd failures retrying cannot fix.</summary>
internal static class EtcdErrorKinds
{
    /// <summary>
    /// True for a refusal of the request itself: too large (etcd answers InvalidArgument "request is too large", gRPC
    /// ResourceExhausted past the message limit), otherwise invalid, or not permitted. Unavailable, timeouts, no
    /// leader and an expired token are transient.
    /// </summary>
    public static bool IsPermanent(RpcException e) =>
        e.StatusCode is StatusCode.InvalidArgument or StatusCode.ResourceExhausted or StatusCode.PermissionDenied or StatusCode.OutOfRange;
}
