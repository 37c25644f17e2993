"""registrasi's use cases: one function per use case, ``(uow, request, now, ...)``.

Each authorizes the actor on the object, calls the domain, writes events to the
outbox and an audit row in the same transaction, and commits explicitly. Requests
arrive already loaded by their contract; results are dicts the contract dumps.
"""

from .agencies import create_agency, create_satker, list_agencies, list_satker
from .common import AuthConfig, BlobIndex, Hasher
from .login import authenticate, change_password, list_audit, login, logout
from .penyedia import (
    check_penyedia_eligible,
    get_dokumen,
    get_penyedia,
    list_daftar_hitam,
    list_penyedia,
    register_penyedia,
    resubmit_penyedia,
)
from .users import (
    SYSTEM_ACTOR,
    bootstrap_admin,
    create_user,
    deactivate_user,
    describe_users,
    get_user,
    grant_role,
    list_users,
    reactivate_user,
    revoke_role,
)
from .verifikasi import (
    blacklist_penyedia,
    deactivate_penyedia,
    reactivate_penyedia,
    reject_penyedia,
    verify_penyedia,
)

__all__ = [
    "SYSTEM_ACTOR",
    "AuthConfig",
    "BlobIndex",
    "Hasher",
    "authenticate",
    "blacklist_penyedia",
    "bootstrap_admin",
    "change_password",
    "check_penyedia_eligible",
    "create_agency",
    "create_satker",
    "create_user",
    "deactivate_penyedia",
    "deactivate_user",
    "describe_users",
    "get_dokumen",
    "get_penyedia",
    "get_user",
    "grant_role",
    "list_agencies",
    "list_audit",
    "list_daftar_hitam",
    "list_penyedia",
    "list_satker",
    "list_users",
    "login",
    "logout",
    "reactivate_penyedia",
    "reactivate_user",
    "register_penyedia",
    "reject_penyedia",
    "resubmit_penyedia",
    "revoke_role",
    "verify_penyedia",
]
