"""registrasi - agencies, users and roles, penyedia and their verification, login.

Service card
------------
RPCs (contracts in ``services/common/contracts/registrasi.py``; * = idempotent):
  agencies   create_agency*, list_agencies, create_satker*, list_satker
  users      create_user*, grant_role*, revoke_role*, deactivate_user*,
             reactivate_user*, get_user, list_users,
             describe_users
  penyedia   register_penyedia*, resubmit_penyedia*, get_penyedia, list_penyedia,
             get_dokumen, list_daftar_hitam, check_penyedia_eligible
  verifikasi verify_penyedia*, reject_penyedia*, deactivate_penyedia*,
             blacklist_penyedia*, reactivate_penyedia*
  auth       login, authenticate, logout, change_password*, list_audit, ping
Events published (exchange ``registrasi.events``, through the outbox):
  penyedia_registered, penyedia_verified, penyedia_rejected, penyedia_deactivated,
  penyedia_blacklisted, penyedia_reactivated, user_created, user_deactivated,
  user_reactivated, role_granted, role_revoked, agency_created, satker_created
Events consumed: none.

Errors are ``services.common.errors`` types with stable codes (see each use case's
docstring). Every account action appends a row to the hash-chained audit trail.
"""

from __future__ import annotations

from typing import Any

from services.common.contracts import registrasi as contracts
from services.common.db import UnitOfWork
from services.common.messaging import implements
from services.common.metrics import Metrics
from services.common.outbox import OutboxRelay
from services.common.providers import ClockProvider
from services.registrasi import usecases
from services.registrasi.dependencies import (
    AuthProvider,
    BlobsProvider,
    HasherProvider,
    PasswordGate,
)
from services.registrasi.storage.models import INFRA
from services.registrasi.storage.repository import REPOSITORIES

Request = dict[str, Any]


class RegistrasiService:
    """Entrypoints only: each loads its contract, calls one use case, dumps."""

    name = contracts.SERVICE

    uow = UnitOfWork(contracts.SERVICE, INFRA, REPOSITORIES)
    relay = OutboxRelay(contracts.SERVICE, INFRA)
    metrics = Metrics()
    clock = ClockProvider()
    hasher = HasherProvider()
    password_gate = PasswordGate()
    auth = AuthProvider()
    blobs = BlobsProvider()

    # ------------------------------------------------------------------ agencies
    @implements(contracts.CREATE_AGENCY)
    def create_agency(self, request: Request) -> Any:
        """Admin PPE adds an SKPD/BUMD. Emits agency_created. AGENCY_KODE_TAKEN."""
        return usecases.create_agency(self.uow, request, self.clock.now())

    @implements(contracts.LIST_AGENCIES)
    def list_agencies(self, request: Request) -> Any:
        """Every agency (public)."""
        return usecases.list_agencies(self.uow, request, self.clock.now())

    @implements(contracts.CREATE_SATKER)
    def create_satker(self, request: Request) -> Any:
        """Admin PPE / own Admin Agency adds a satker. Emits satker_created."""
        return usecases.create_satker(self.uow, request, self.clock.now())

    @implements(contracts.LIST_SATKER)
    def list_satker(self, request: Request) -> Any:
        """The satker of one agency (public)."""
        return usecases.list_satker(self.uow, request, self.clock.now())

    # ------------------------------------------------------------------ users
    @implements(contracts.CREATE_USER)
    def create_user(self, request: Request) -> Any:
        """Who creates whom (DOMAIN §3.1), Pasal 14(3). Emits user_created."""
        return usecases.create_user(
            self.uow, request, self.clock.now(), hasher=self.hasher
        )

    @implements(contracts.GRANT_ROLE)
    def grant_role(self, request: Request) -> Any:
        """Adds a role; ROLE_SEPARATION_VIOLATION etc. Emits role_granted."""
        return usecases.grant_role(self.uow, request, self.clock.now())

    @implements(contracts.REVOKE_ROLE)
    def revoke_role(self, request: Request) -> Any:
        """Removes a role (ROLE_NOT_HELD, LAST_ROLE). Emits role_revoked."""
        return usecases.revoke_role(self.uow, request, self.clock.now())

    @implements(contracts.DEACTIVATE_USER)
    def deactivate_user(self, request: Request) -> Any:
        """Disables an account, ends its sessions. Emits user_deactivated."""
        return usecases.deactivate_user(self.uow, request, self.clock.now())

    @implements(contracts.REACTIVATE_USER)
    def reactivate_user(self, request: Request) -> Any:
        """Enables an account again. Emits user_reactivated."""
        return usecases.reactivate_user(self.uow, request, self.clock.now())

    @implements(contracts.GET_USER)
    def get_user(self, request: Request) -> Any:
        """One account the actor may see (USER_NOT_FOUND otherwise)."""
        return usecases.get_user(self.uow, request, self.clock.now())

    @implements(contracts.DESCRIBE_USERS)
    def describe_users(self, request: Request) -> Any:
        """For other services: roles, agency and status of some accounts."""
        return usecases.describe_users(self.uow, request, self.clock.now())

    @implements(contracts.LIST_USERS)
    def list_users(self, request: Request) -> Any:
        """Accounts by role/agency (Admin PPE, Auditor, Helpdesk, own Admin Agency)."""
        return usecases.list_users(self.uow, request, self.clock.now())

    # ------------------------------------------------------------------ penyedia
    @implements(contracts.REGISTER_PENYEDIA)
    def register_penyedia(self, request: Request) -> Any:
        """Public self-registration. Emits penyedia_registered. NPWP/USERNAME taken."""
        return usecases.register_penyedia(
            self.uow, request, self.clock.now(), hasher=self.hasher, blobs=self.blobs
        )

    @implements(contracts.RESUBMIT_PENYEDIA)
    def resubmit_penyedia(self, request: Request) -> Any:
        """A rejected penyedia corrects its data (LOGIN_FAILED, LOGIN_RATE_LIMITED)."""
        return usecases.resubmit_penyedia(
            self.uow,
            request,
            self.clock.now(),
            hasher=self.hasher,
            policy=self.auth.policy,
            blobs=self.blobs,
        )

    @implements(contracts.GET_PENYEDIA)
    def get_penyedia(self, request: Request) -> Any:
        """One penyedia (itself, Verifikator, Admin PPE, Helpdesk, Auditor)."""
        return usecases.get_penyedia(self.uow, request, self.clock.now())

    @implements(contracts.LIST_PENYEDIA)
    def list_penyedia(self, request: Request) -> Any:
        """Penyedia by status / name / NPWP, paged."""
        return usecases.list_penyedia(self.uow, request, self.clock.now())

    @implements(contracts.GET_DOKUMEN)
    def get_dokumen(self, request: Request) -> Any:
        """A document reference (itself, Verifikator, Admin PPE, Auditor)."""
        return usecases.get_dokumen(self.uow, request, self.clock.now())

    @implements(contracts.LIST_DAFTAR_HITAM)
    def list_daftar_hitam(self, request: Request) -> Any:
        """The public blacklist."""
        return usecases.list_daftar_hitam(self.uow, request, self.clock.now())

    @implements(contracts.CHECK_PENYEDIA_ELIGIBLE)
    def check_penyedia_eligible(self, request: Request) -> Any:
        """For other services: is this penyedia verified (may it take part)?"""
        return usecases.check_penyedia_eligible(self.uow, request, self.clock.now())

    # ------------------------------------------------------------------ verifikasi
    @implements(contracts.VERIFY_PENYEDIA)
    def verify_penyedia(self, request: Request) -> Any:
        """Verifikator approves (documents checked). Emits penyedia_verified."""
        return usecases.verify_penyedia(self.uow, request, self.clock.now())

    @implements(contracts.REJECT_PENYEDIA)
    def reject_penyedia(self, request: Request) -> Any:
        """Verifikator rejects (reason). Emits penyedia_rejected."""
        return usecases.reject_penyedia(self.uow, request, self.clock.now())

    @implements(contracts.DEACTIVATE_PENYEDIA)
    def deactivate_penyedia(self, request: Request) -> Any:
        """Verifikator deactivates; sessions end. Emits penyedia_deactivated."""
        return usecases.deactivate_penyedia(self.uow, request, self.clock.now())

    @implements(contracts.BLACKLIST_PENYEDIA)
    def blacklist_penyedia(self, request: Request) -> Any:
        """Verifikator blacklists on request (Pasal 12(4)). Emits ..._blacklisted."""
        return usecases.blacklist_penyedia(self.uow, request, self.clock.now())

    @implements(contracts.REACTIVATE_PENYEDIA)
    def reactivate_penyedia(self, request: Request) -> Any:
        """Verifikator reactivates (reason). Emits penyedia_reactivated."""
        return usecases.reactivate_penyedia(self.uow, request, self.clock.now())

    # ------------------------------------------------------------------ auth
    @implements(contracts.LOGIN)
    def login(self, request: Request) -> Any:
        """Password -> token. LOGIN_FAILED, LOGIN_RATE_LIMITED, *_NOT_ACTIVE."""
        with self.password_gate:
            return usecases.login(
                self.uow,
                request,
                self.clock.now(),
                hasher=self.hasher,
                config=self.auth,
            )

    @implements(contracts.AUTHENTICATE)
    def authenticate(self, request: Request) -> Any:
        """Token -> current actor (TOKEN_*, SESSION_*, ACCOUNT_NOT_ACTIVE)."""
        return usecases.authenticate(
            self.uow, request, self.clock.now(), config=self.auth
        )

    @implements(contracts.LOGOUT)
    def logout(self, request: Request) -> Any:
        """Revokes the actor's session."""
        return usecases.logout(self.uow, request, self.clock.now())

    @implements(contracts.CHANGE_PASSWORD)
    def change_password(self, request: Request) -> Any:
        """Own password; every session ends. OLD_PASSWORD_INCORRECT, PASSWORD_*."""
        return usecases.change_password(
            self.uow, request, self.clock.now(), hasher=self.hasher, config=self.auth
        )

    @implements(contracts.LIST_AUDIT)
    def list_audit(self, request: Request) -> Any:
        """The audit trail, read-only (Admin PPE, Auditor)."""
        return usecases.list_audit(self.uow, request, self.clock.now())

    @implements(contracts.PING)
    def ping(self, request: Request) -> Any:
        """Cheap liveness answer (no database)."""
        return {"service": self.name, "time": self.clock.now()}


SERVICE_CLASS = RegistrasiService
REQUIRED_SETTINGS = ("JWT_SECRET",)
