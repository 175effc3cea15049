// Tests here drive libtorch (process-wide thread settings) and start the real host process: run them one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
