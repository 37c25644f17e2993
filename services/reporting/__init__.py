"""reporting: read models and e-reporting built from events, OCDS 1.1 publication,
red flags (Pasal 18), and forwarding to LPSE Pusat and the national portal (Pasal 16,
17(2), 20(1)c)."""
