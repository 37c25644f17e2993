"""notifikasi: decides who must hear of an event of registrasi, lelang or pengaduan
and tells them by e-mail (Indonesian, plain text and HTML).

First step: the pure domain only (``domain/penerima.py``: the table event ->
recipients -> template; ``domain/pesan.py``: the messages). No nameko, database or
SMTP yet.
"""
