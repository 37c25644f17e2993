"""Evaluation rules (DOMAIN §6.4, §7): who passes, the ranking, price checks and
the failure rules that follow from counts.

Pure functions over :class:`HasilPeserta`; the Pokja's judgement (administrasi,
teknis, kualifikasi, the arithmetic correction) is its input, the rules here are
what the system enforces on top of it:

* a corrected price above the HPS is not a valid bid (``lulus_harga`` false);
* a corrected price under the rule-set's threshold (80% of HPS) is flagged for a
  price-reasonableness clarification;
* sistem gugur and umur ekonomis rank passing bids by corrected price (for umur
  ekonomis the Pokja enters the life-cycle cost as the corrected price); sistem
  nilai by ``bobot_teknis * skor_teknis + (1 - bobot_teknis) * skor_harga``, where
  ``skor_harga = 100 * lowest price / price``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from .metode import MetodeEvaluasi
from .ruleset import RuleSet

#: technical weight of sistem nilai when the documents do not say otherwise [?]
DEFAULT_BOBOT_TEKNIS = Decimal("0.70")
_TWO = Decimal("0.01")


@dataclass(frozen=True)
class HasilPeserta:
    penyedia_id: str
    harga_penawaran: Decimal | None = None
    harga_terkoreksi: Decimal | None = None
    lulus_administrasi: bool | None = None
    lulus_teknis: bool | None = None
    skor_teknis: Decimal | None = None
    lulus_harga: bool | None = None
    lulus_kualifikasi: bool | None = None

    @property
    def harga(self) -> Decimal | None:
        """The price that counts: corrected if corrected, else as offered."""
        if self.harga_terkoreksi is not None:
            return self.harga_terkoreksi
        return self.harga_penawaran


def checked_price(item: HasilPeserta, nilai_hps: Decimal) -> HasilPeserta:
    """Apply the HPS ceiling: a price above the HPS never passes."""
    harga = item.harga
    if harga is not None and harga > nilai_hps and item.lulus_harga is not False:
        return replace(item, lulus_harga=False)
    return item


def under_threshold(item: HasilPeserta, nilai_hps: Decimal, ruleset: RuleSet) -> bool:
    """Below the price-check share of the HPS (klarifikasi kewajaran harga)."""
    harga = item.harga
    return harga is not None and harga < nilai_hps * ruleset.price_check_threshold


def lulus_file_1(item: HasilPeserta) -> bool:
    """Passed administrasi and teknis (File I of a 2 file lelang)."""
    return item.lulus_administrasi is True and item.lulus_teknis is True


def lulus(item: HasilPeserta, *, need_kualifikasi: bool) -> bool:
    """Passed every stage the Pokja evaluated, with a valid price."""
    if not (lulus_file_1(item) and item.lulus_harga is True and item.harga):
        return False
    return item.lulus_kualifikasi is True or not need_kualifikasi


def skor_akhir(item: HasilPeserta, lowest: Decimal, bobot_teknis: Decimal) -> Decimal:
    skor_harga = Decimal(100) * lowest / item.harga if item.harga else Decimal(0)
    teknis = item.skor_teknis or Decimal(0)
    total = bobot_teknis * teknis + (Decimal(1) - bobot_teknis) * skor_harga
    return total.quantize(_TWO, rounding=ROUND_HALF_UP)


def peringkat(items: Iterable[HasilPeserta], metode: MetodeEvaluasi, *,
              need_kualifikasi: bool,
              bobot_teknis: Decimal = DEFAULT_BOBOT_TEKNIS) -> list[HasilPeserta]:
    """The passing bids, best first (ties: lower price, then id, for determinism)."""
    passing = [i for i in items if lulus(i, need_kualifikasi=need_kualifikasi)]
    if not passing:
        return []
    if MetodeEvaluasi(metode) is MetodeEvaluasi.SISTEM_NILAI:
        lowest = min(i.harga for i in passing)
        return sorted(passing, key=lambda i: (-skor_akhir(i, lowest, bobot_teknis),
                                              i.harga, i.penyedia_id))
    return sorted(passing, key=lambda i: (i.harga, i.penyedia_id))


def kurang_penawaran(jumlah: int, ruleset: RuleSet) -> bool:
    """The "fewer than N bids fails" rule, where the rule-set has it (§6.4)."""
    return ruleset.min_penawaran is not None and jumlah < ruleset.min_penawaran


def kurang_lulus_kualifikasi(jumlah: int, ruleset: RuleSet) -> bool:
    """Too few vendors qualified in prakualifikasi (§6.3 failure rule)."""
    return jumlah < ruleset.min_lulus_prakualifikasi
