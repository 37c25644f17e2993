"""registrasi's domain: pure rules, no framework (stdlib + services.common errors/auth).

* :mod:`.penyedia` - the Penyedia aggregate, its transition table, NPWP;
* :mod:`.users` - users, agencies, who creates whom, Pasal 14(3);
* :mod:`.passwords` - the password policy;
* :mod:`.login` - throttling, sessions, who may log in;
* :mod:`.audit` - the audit trail's hash chain.

Every function that depends on time takes ``now``.
"""

from .audit import (
    GENESIS,
    AuditEntry,
    AuditHead,
    ChainProblem,
    ChainReport,
    parse_heads,
    seal,
    verify_chain,
)
from .login import (
    LoginPolicy,
    LoginSession,
    check_may_log_in,
    check_still_allowed,
    check_throttle,
    login_failed,
)
from .npwp import normalise_npwp
from .passwords import check_password, common_passwords
from .penyedia import (
    PERMINTAAN_ROLES,
    SESSION_ENDING,
    TRANSITIONS,
    Dokumen,
    Penyedia,
    PenyediaAction,
    Permintaan,
    StatusChange,
    StatusPenyedia,
    target_status,
)
from .users import (
    AGENCY_ROLES,
    CERTIFIED_ROLES,
    GRANTABLE_BY,
    Agency,
    JenisAgency,
    Satker,
    StatusUser,
    User,
    can_manage,
    check_can_grant,
    check_can_manage,
    check_role_set,
    check_separation,
    grantable_roles,
)

__all__ = [
    "AGENCY_ROLES",
    "CERTIFIED_ROLES",
    "GENESIS",
    "GRANTABLE_BY",
    "PERMINTAAN_ROLES",
    "SESSION_ENDING",
    "TRANSITIONS",
    "Agency",
    "AuditEntry",
    "AuditHead",
    "ChainProblem",
    "ChainReport",
    "Dokumen",
    "JenisAgency",
    "LoginPolicy",
    "LoginSession",
    "Penyedia",
    "PenyediaAction",
    "Permintaan",
    "Satker",
    "StatusChange",
    "StatusPenyedia",
    "StatusUser",
    "User",
    "can_manage",
    "check_can_grant",
    "check_can_manage",
    "check_may_log_in",
    "check_password",
    "check_role_set",
    "check_separation",
    "check_still_allowed",
    "check_throttle",
    "common_passwords",
    "grantable_roles",
    "login_failed",
    "normalise_npwp",
    "parse_heads",
    "seal",
    "target_status",
    "verify_chain",
]
