// Each smoke test starts registry processes and drives them hard: running them side by side on a
// 2-core CI machine would only make both slower and their timings meaningless.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
