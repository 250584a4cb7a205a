// The scheduler tests measure wall-clock rates and latencies: they run one at a time so they do not load each other.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
