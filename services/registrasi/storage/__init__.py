"""registrasi's persistence: tables (``models``), repositories and the audit chain."""
