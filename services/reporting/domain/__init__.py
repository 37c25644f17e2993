"""reporting domain: pure functions, no I/O."""
