// Activity and meter listeners are process-wide: one test at a time, so a test sees only its own spans and measurements.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
