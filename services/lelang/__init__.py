"""lelang: RUP, paket and e-lelang umum in all four methods, with sealed bids."""
