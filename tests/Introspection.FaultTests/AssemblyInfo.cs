// Every test here runs several real processes (registry, providers, a consumer, redis-server) and measures
// failed calls under faults: run them one at a time so two scenarios never compete for the 2 CI cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
