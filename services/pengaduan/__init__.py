"""pengaduan - complaints (Pasal 17) and deviation reports (Pasal 18)."""
