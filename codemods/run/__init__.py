"""Running a migration over files: finding them, reading and writing them safely, the
lock, signals, the worker pool, the result cache, and one file's trip through the stages."""
