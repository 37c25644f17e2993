"""lelang's domain: pure rules, no framework (stdlib, ``holidays``, common errors).

* :mod:`.tahapan` - the stages (``TahapanLelang``);
* :mod:`.metode` - the four methods as data (``METODE_DEFINITIONS``);
* :mod:`.ruleset` - versioned legal parameters (``ruleset_for``);
* :mod:`.kalender` - working days in WITA (``Kalender``);
* :mod:`.jadwal` - schedule validation and the stage at ``now``;
* :mod:`.lelang` - the ``Lelang`` aggregate and its timer (``apply_due``);
* :mod:`.evaluasi` - who passes, the ranking, price checks, failure counts.

Every function that depends on time takes ``now``.
"""

from .evaluasi import (
    DEFAULT_BOBOT_TEKNIS,
    HasilPeserta,
    checked_price,
    kurang_lulus_kualifikasi,
    kurang_penawaran,
    lulus,
    lulus_file_1,
    peringkat,
    under_threshold,
)
from .jadwal import (
    JadwalEntry,
    Problem,
    active_tahapan,
    allowed_actions,
    check_jadwal,
    next_check,
    propose_jadwal,
    tahapan_at,
    validate_jadwal,
)
from .kalender import WITA, Kalender, to_wita_date
from .lelang import (
    NOT_PUBLIC,
    JenisTransisi,
    Lelang,
    StatusLelang,
    Transition,
    apply_due,
    apply_next_due,
    due_transitions,
)
from .metode import (
    METODE_DEFINITIONS,
    LelangAction,
    MetodeDefinition,
    MetodeEvaluasi,
    MetodeLelang,
    Sampul,
    StageDefinition,
    check_metode_evaluasi,
    metode_definition,
)
from .ruleset import (
    PERPRES_54_2010,
    PERPRES_70_2012,
    RULESETS,
    DayCounting,
    KategoriPengadaan,
    RuleSet,
    ruleset_by_code,
    ruleset_for,
)
from .tahapan import TahapanLelang

__all__ = [
    "NOT_PUBLIC",
    "DEFAULT_BOBOT_TEKNIS",
    "HasilPeserta",
    "checked_price",
    "kurang_lulus_kualifikasi",
    "kurang_penawaran",
    "lulus",
    "lulus_file_1",
    "peringkat",
    "under_threshold",
    "METODE_DEFINITIONS",
    "PERPRES_54_2010",
    "PERPRES_70_2012",
    "RULESETS",
    "WITA",
    "DayCounting",
    "JadwalEntry",
    "JenisTransisi",
    "Kalender",
    "KategoriPengadaan",
    "Lelang",
    "LelangAction",
    "MetodeDefinition",
    "MetodeEvaluasi",
    "MetodeLelang",
    "Problem",
    "RuleSet",
    "Sampul",
    "StageDefinition",
    "StatusLelang",
    "TahapanLelang",
    "Transition",
    "active_tahapan",
    "allowed_actions",
    "apply_due",
    "apply_next_due",
    "check_jadwal",
    "check_metode_evaluasi",
    "due_transitions",
    "metode_definition",
    "next_check",
    "propose_jadwal",
    "ruleset_by_code",
    "ruleset_for",
    "tahapan_at",
    "to_wita_date",
    "validate_jadwal",
]
