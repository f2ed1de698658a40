using Grpc.Core;

namespace ConfigCenter.Etcd.Tests;

/// <summary>The classification of etcd's own error messages (as its rpctypes package words them).</summary>
public sealed class EtcdErrorsTests
{
    [Theory]
    [InlineData(StatusCode.InvalidArgument, "etcdserver: request is too large", true)]
    [InlineData(StatusCode.ResourceExhausted, "grpc: received message larger than max (2097170 vs. 2097152)", true)]
    [InlineData(StatusCode.PermissionDenied, "etcdserver: permission denied", true)]
    [InlineData(StatusCode.InvalidArgument, "etcdserver: duplicate key given in txn request", true)]
    [InlineData(StatusCode.FailedPrecondition, "etcdserver: lease already exists", true)]
    [InlineData(StatusCode.FailedPrecondition, "etcdserver: not leader", false)]
    [InlineData(StatusCode.ResourceExhausted, "etcdserver: too many requests", false)]
    [InlineData(StatusCode.ResourceExhausted, "etcdserver: mvcc: database space exceeded", false)]
    [InlineData(StatusCode.InvalidArgument, "etcdserver: authentication failed, invalid user ID or password", false)]
    [InlineData(StatusCode.InvalidArgument, "etcdserver: revision of auth store is old", false)]
    [InlineData(StatusCode.Unauthenticated, "etcdserver: invalid auth token", false)]
    [InlineData(StatusCode.Unavailable, "etcdserver: no leader", false)]
    [InlineData(StatusCode.DeadlineExceeded, "Deadline Exceeded", false)]
    public void IsPermanent_OnlyForErrorsRetryingCannotFix(StatusCode code, string detail, bool permanent) =>
        Assert.Equal(permanent, EtcdErrors.IsPermanent(new RpcException(new Status(code, detail))));

    [Theory]
    [InlineData(StatusCode.Unavailable, "etcdserver: no leader", true)]
    [InlineData(StatusCode.Unavailable, "etcdserver: leader changed", true)]
    [InlineData(StatusCode.FailedPrecondition, "etcdserver: not leader", true)]
    [InlineData(StatusCode.ResourceExhausted, "etcdserver: too many requests", true)]
    [InlineData(StatusCode.DeadlineExceeded, "Deadline Exceeded", true)]
    [InlineData(StatusCode.InvalidArgument, "etcdserver: request is too large", false)]
    [InlineData(StatusCode.PermissionDenied, "etcdserver: permission denied", false)]
    public void IsUnreachable_ForMembersThatCannotServeNow(StatusCode code, string detail, bool unreachable) =>
        Assert.Equal(unreachable, EtcdErrors.IsUnreachable(new RpcException(new Status(code, detail))));

    [Theory]
    [InlineData(StatusCode.Unauthenticated, "etcdserver: invalid auth token", true)]
    [InlineData(StatusCode.Unauthenticated, "etcd cancelled the watch: rpc error: code = Unauthenticated", true)]
    [InlineData(StatusCode.InvalidArgument, "etcdserver: revision of auth store is old", true)]
    [InlineData(StatusCode.InvalidArgument, "etcdserver: authentication failed, invalid user ID or password", false)]
    public void IsAuthExpired_ForRefusedTokens(StatusCode code, string detail, bool expired) =>
        Assert.Equal(expired, EtcdErrors.IsAuthExpired(new RpcException(new Status(code, detail))));

    [Fact]
    public void WatchCancelled_ForAnInvalidToken_IsAuthExpired() =>
        Assert.True(EtcdErrors.IsAuthExpired(EtcdErrors.WatchCancelled("etcdserver: invalid auth token")));
}
