"""reporting's storage: its tables (``models``), in reporting's own database."""
