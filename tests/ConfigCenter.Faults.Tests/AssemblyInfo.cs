// Every scenario runs a 3-member etcd cluster, a server and client processes and times their recovery: one at a time,
// so the figures measure the fault and not the other scenarios.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
