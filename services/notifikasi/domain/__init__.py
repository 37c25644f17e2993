"""Pure domain of notifikasi: stdlib only (import-linter checks it)."""
