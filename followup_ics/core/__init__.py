"""The pure core: records, wall-clock time, working days, settings, the planner, identity; no I/O."""
