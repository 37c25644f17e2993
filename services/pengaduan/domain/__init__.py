"""pengaduan's domain: pure rules, no framework (stdlib, common errors and auth).

* :mod:`.pengaduan` - the lifecycle (``StatusPengaduan``, ``TRANSISI``,
  ``transition``);
* :mod:`.akses` - who may read what (Pasal 17(1), 18): ``akses_pengaduan``,
  ``akses_penyimpangan``;
* :mod:`.kode` - tracking codes and secrets;
* :mod:`.penyimpangan` - addressees of a deviation report and their delivery state.
"""

from .akses import (
    NONE,
    STAFF_ROLES,
    Akses,
    FaktaPengaduan,
    Pihak,
    akses_pengaduan,
    akses_penyimpangan,
    is_auditor,
    is_pihak,
    is_staff,
)
from .kode import (
    hash_rahasia,
    new_kode,
    new_rahasia,
    new_salt,
    normalize_kode,
    verify_rahasia,
)
from .pengaduan import (
    FINAL,
    TRANSISI,
    JenisPengaduan,
    KlasifikasiPengaduan,
    Perubahan,
    StatusPengaduan,
    transition,
)
from .penyimpangan import (
    PENGIRIMAN,
    PeranPenerima,
    StatusPengiriman,
    delivery,
)

__all__ = [
    "FINAL", "NONE", "PENGIRIMAN", "STAFF_ROLES", "TRANSISI", "Akses",
    "FaktaPengaduan", "JenisPengaduan", "KlasifikasiPengaduan", "PeranPenerima",
    "Perubahan", "Pihak", "StatusPengaduan", "StatusPengiriman", "akses_pengaduan",
    "akses_penyimpangan", "delivery", "hash_rahasia", "is_auditor", "is_pihak",
    "is_staff", "new_kode", "new_rahasia", "new_salt", "normalize_kode",
    "transition", "verify_rahasia",
]
