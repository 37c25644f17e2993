"""Forwarding to LPSE Pusat and the national portal (Pasal 16(2), 17(2); decision 12).

* ``config`` - settings (``FORWARD_*``), the destinations and their senders.
* ``ports`` - :class:`~.ports.Item`, :class:`~.ports.Failure`, the sender protocol, and
  the item constructors (OCDS release, pengaduan event, e-reporting snapshot).
* ``repository`` - ``enqueue`` (idempotent), ``claim_due`` (``SKIP LOCKED``),
  ``replay``, ``backlog``.
* ``loop`` - ``forward_due`` (one round, one commit per destination batch), ``drain``.
* ``portal`` - HTTP POST of signed OCDS release packages; ``pusat`` - the ``lpse.pusat``
  exchange with publisher confirms.
* ``metrics``, ``cli`` (``lpse reporting forwarding|replay``), ``worker`` (the loop as a
  process), ``receiver`` (a loopback stand-in for the portal).

Kept import-light on purpose: the receiver runs as a process of its own and needs
neither kombu nor SQLAlchemy.
"""
