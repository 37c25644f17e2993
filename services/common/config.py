"""Settings: loaded from the environment, validated once, at start-up.

``load_settings()`` reads only the variables declared in :class:`SettingsSchema`,
fails with the full list of what is missing or invalid, and refuses placeholder
secrets unless ``LPSE_ENV`` is ``dev`` or ``test``. Nothing here runs at import
time: services call it in ``DependencyProvider.setup()`` (through
:func:`settings_for`), the gateway in ``create_app()``, alembic in ``env.py``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from dataclasses import fields as dc_fields
from pathlib import Path
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

ENVIRONMENTS = ("dev", "test", "production")
#: Words that mark a value as a placeholder that must never reach production.
PLACEHOLDER_MARKERS = (
    "change", "placeholder", "example", "secret", "dev-", "test-", "xxx",
)
MIN_SECRET_LENGTH = 32
#: empty, or comma-separated e-mail addresses (spaces around the commas allowed)
_EMAIL = r"\s*[^@\s,]+@[^@\s,]+\.[^@\s,]+\s*"
EMAIL_LIST = rf"^$|^{_EMAIL}(,{_EMAIL})*$"


class ConfigError(RuntimeError):
    """Start-up configuration is missing or invalid; ``problems`` lists each one."""

    def __init__(self, problems: Mapping[str, Any]):
        self.problems = dict(problems)
        lines = [f"  {key}: {msg}" for key, msg in sorted(self.problems.items())]
        super().__init__("invalid configuration:\n" + "\n".join(lines))


class SettingsSchema(Schema):
    """Environment variable -> setting. Keys are the environment variable names."""

    LPSE_ENV = fields.String(
        load_default="production", validate=validate.OneOf(ENVIRONMENTS),
        metadata={"description": "dev, test or production; production is the default"},
    )
    AMQP_URI = fields.String(load_default="amqp://guest:guest@127.0.0.1:5672/")
    DATABASE_URL = fields.String(load_default=None, allow_none=True)
    VAR_DIR = fields.String(load_default="var")
    BLOB_DIR = fields.String(load_default=None, allow_none=True)
    JWT_SECRET = fields.String(load_default=None, allow_none=True)
    JWT_TTL_SECONDS = fields.Integer(load_default=3600,
                                     validate=validate.Range(60, 86400))
    JWT_AUDIENCE = fields.String(load_default="lpse-karangasem")
    JWT_ISSUER = fields.String(load_default="lpse-karangasem/registrasi")
    METRICS_PORT = fields.Integer(load_default=0, validate=validate.Range(0, 65535))
    RPC_TIMEOUT = fields.Float(load_default=10.0, validate=validate.Range(0.1, 300))
    MAX_WORKERS = fields.Integer(load_default=10, validate=validate.Range(1, 200))
    LOG_LEVEL = fields.String(
        load_default="INFO",
        validate=validate.OneOf(["DEBUG", "INFO", "WARNING", "ERROR"]),
    )
    LOG_FORMAT = fields.String(load_default="json",
                               validate=validate.OneOf(["json", "text"]))
    # argon2id; the floors are OWASP ASVS 5.0's minimum (m >= 19 MiB, t >= 2)
    ARGON2_MEMORY_KIB = fields.Integer(load_default=19456,
                                       validate=validate.Range(19456))
    ARGON2_TIME_COST = fields.Integer(load_default=2, validate=validate.Range(2, 20))
    ARGON2_PARALLELISM = fields.Integer(load_default=1, validate=validate.Range(1, 16))
    LOGIN_MAX_FAILURES_PER_ACCOUNT = fields.Integer(load_default=100,
                                                    validate=validate.Range(1))
    LOGIN_MAX_FAILURES_PER_ADDRESS = fields.Integer(load_default=300,
                                                    validate=validate.Range(1))
    LOGIN_WINDOW_SECONDS = fields.Integer(load_default=3600, validate=validate.Range(1))
    EVENT_MAX_ATTEMPTS = fields.Integer(load_default=5, validate=validate.Range(1, 20))
    EVENT_RETRY_BASE_SECONDS = fields.Float(load_default=1.0,
                                            validate=validate.Range(0.01, 3600))
    OUTBOX_POLL_SECONDS = fields.Float(load_default=0.5,
                                       validate=validate.Range(0.01, 60))
    OUTBOX_BATCH_SIZE = fields.Integer(load_default=100,
                                       validate=validate.Range(1, 10000))
    OUTBOX_RELAY_ENABLED = fields.Boolean(load_default=True)
    UPLOAD_MAX_BYTES = fields.Integer(load_default=10 * 1024 * 1024,
                                      validate=validate.Range(1024))
    # non-working days the LPSE declares on top of the national holidays, e.g.
    # "2026-12-24:Cuti bersama,2026-11-18:Galungan" (ARCHITECTURE #7)
    LPSE_LIBUR = fields.String(load_default="", validate=validate.Regexp(
        r"^$|^\d{4}-\d{2}-\d{2}(:[^,]{1,80})?(,\d{4}-\d{2}-\d{2}(:[^,]{1,80})?)*$",
        error="comma-separated YYYY-MM-DD[:name] days"))
    # pengaduan: where complaints are forwarded (Pasal 17(2)) and deviation reports
    # copied (Pasal 18), e.g. "a@karangasemkab.go.id,b@karangasemkab.go.id"
    TIM_PENGARAH_EMAILS = fields.String(load_default="", validate=validate.Regexp(
        EMAIL_LIST, error="comma-separated e-mail addresses"))
    INSPEKTORAT_EMAILS = fields.String(load_default="", validate=validate.Regexp(
        EMAIL_LIST, error="comma-separated e-mail addresses"))
    # notifikasi: the SMTP server mail goes through. SMTP_SECURITY is "none" (plain,
    # e.g. a local mail catcher), "starttls" (upgrade on the submission port 587)
    # or "tls" (implicit TLS, port 465); credentials only when both are given.
    SMTP_HOST = fields.String(load_default="127.0.0.1")
    SMTP_PORT = fields.Integer(load_default=1025, validate=validate.Range(1, 65535))
    SMTP_SECURITY = fields.String(load_default="none", validate=validate.OneOf(
        ["none", "starttls", "tls"]))
    SMTP_USERNAME = fields.String(load_default=None, allow_none=True)
    SMTP_PASSWORD = fields.String(load_default=None, allow_none=True)
    # a CA bundle for a server with a private certificate; verification stays on
    SMTP_CA_FILE = fields.String(load_default=None, allow_none=True)
    SMTP_FROM = fields.String(load_default="LPSE Kabupaten Karangasem "
                              "<noreply@lpse.karangasemkab.go.id>",
                              validate=validate.Length(min=3, max=320))
    SMTP_TIMEOUT_SECONDS = fields.Float(load_default=20.0,
                                        validate=validate.Range(0.5, 300))
    # a notice's e-mail is retried with exponential backoff and jitter
    # (base * 2^(attempt-1), at most the max delay) and marked failed after the
    # last attempt; operators requeue it with `lpse notifikasi retry`
    NOTIFIKASI_MAX_ATTEMPTS = fields.Integer(load_default=8,
                                             validate=validate.Range(1, 100))
    NOTIFIKASI_RETRY_BASE_SECONDS = fields.Float(load_default=30.0,
                                                 validate=validate.Range(0.01, 86400))
    NOTIFIKASI_RETRY_MAX_SECONDS = fields.Float(load_default=3600.0,
                                                validate=validate.Range(0.01, 604800))
    # reporting: the ocid prefix the Open Contracting Partnership assigns (until then
    # a local one) and the public address of the site (the OCDS packages' uri)
    OCDS_OCID_PREFIX = fields.String(
        load_default="ocds-lpsekr", validate=validate.Regexp(
            r"^ocds-[a-z0-9]{6}$", error="ocds- and 6 lowercase letters or digits"))
    LPSE_PUBLIC_URL = fields.String(load_default="http://127.0.0.1:8000",
                                    validate=validate.Regexp(r"^https?://[^\s]+$"))
    # reporting's forwarding (Pasal 16(2), 17(2)): LPSE Pusat over AMQP (the exchange
    # lpse.pusat, for a shovel), the national portal over HTTP with HMAC-SHA256;
    # see services/reporting/forwarding/config.py
    FORWARD_PORTAL_URL = fields.String(load_default=None, allow_none=True,
                                       validate=validate.Regexp(r"^https?://\S+$"))
    FORWARD_PORTAL_SECRET = fields.String(load_default=None, allow_none=True)
    FORWARD_PORTAL_MAX_AGE_SECONDS = fields.Float(load_default=259200.0,
                                                  validate=validate.Range(1))
    FORWARD_PORTAL_TIMEOUT_SECONDS = fields.Float(load_default=15.0,
                                                  validate=validate.Range(0.5, 300))
    FORWARD_PORTAL_BATCH_SIZE = fields.Integer(load_default=100,
                                               validate=validate.Range(1, 1000))
    FORWARD_PUSAT_ENABLED = fields.Boolean(load_default=True)
    FORWARD_PUSAT_AMQP_URI = fields.String(load_default=None, allow_none=True)
    FORWARD_PUSAT_MAX_AGE_SECONDS = fields.Float(load_default=259200.0,
                                                 validate=validate.Range(1))
    FORWARD_RETRY_BASE_SECONDS = fields.Float(load_default=5.0,
                                              validate=validate.Range(0.01, 86400))
    FORWARD_RETRY_MAX_SECONDS = fields.Float(load_default=900.0,
                                             validate=validate.Range(0.01, 604800))
    FORWARD_BATCH_SIZE = fields.Integer(load_default=200,
                                        validate=validate.Range(1, 5000))
    # lelang: wraps every envelope's private key (32 bytes, hex or base64)
    LELANG_MASTER_KEY = fields.String(load_default=None, allow_none=True)
    # test-only fault injection (refused outside LPSE_ENV=test)
    LPSE_FAULT = fields.String(load_default=None, allow_none=True)

    @validates_schema(skip_on_field_errors=False)
    def _no_placeholders(self, data: dict, **kwargs: Any) -> None:
        if data.get("LPSE_FAULT") and data.get("LPSE_ENV") != "test":
            raise ValidationError("only allowed when LPSE_ENV=test", "LPSE_FAULT")
        if data.get("LELANG_MASTER_KEY"):
            from services.common.sealing import load_master_key

            try:
                load_master_key(data["LELANG_MASTER_KEY"])
            except ValueError as exc:
                raise ValidationError(str(exc), "LELANG_MASTER_KEY") from None
        secret = data.get("JWT_SECRET")
        if secret is None or data.get("LPSE_ENV") in ("dev", "test"):
            return
        lowered = secret.lower()
        too_short = len(secret) < MIN_SECRET_LENGTH
        if too_short or any(m in lowered for m in PLACEHOLDER_MARKERS):
            raise ValidationError(
                f"looks like a placeholder; use a random value of at least "
                f"{MIN_SECRET_LENGTH} characters (e.g. `openssl rand -hex 32`)",
                "JWT_SECRET",
            )


@dataclass(frozen=True)
class Settings:
    """Validated settings (attribute names are the lower-cased variable names)."""

    lpse_env: str
    amqp_uri: str
    database_url: str | None
    var_dir: str
    blob_dir: str | None
    jwt_secret: str | None
    jwt_ttl_seconds: int
    jwt_audience: str
    jwt_issuer: str
    metrics_port: int
    rpc_timeout: float
    max_workers: int
    log_level: str
    log_format: str
    argon2_memory_kib: int
    argon2_time_cost: int
    argon2_parallelism: int
    login_max_failures_per_account: int
    login_max_failures_per_address: int
    login_window_seconds: int
    event_max_attempts: int
    event_retry_base_seconds: float
    outbox_poll_seconds: float
    outbox_batch_size: int
    outbox_relay_enabled: bool
    upload_max_bytes: int
    lelang_master_key: str | None
    lpse_libur: str
    lpse_fault: str | None
    tim_pengarah_emails: str
    inspektorat_emails: str
    smtp_host: str
    smtp_port: int
    smtp_security: str
    smtp_username: str | None
    smtp_password: str | None
    smtp_ca_file: str | None
    smtp_from: str
    smtp_timeout_seconds: float
    notifikasi_max_attempts: int
    notifikasi_retry_base_seconds: float
    notifikasi_retry_max_seconds: float
    ocds_ocid_prefix: str
    lpse_public_url: str
    forward_portal_url: str | None
    forward_portal_secret: str | None
    forward_portal_max_age_seconds: float
    forward_portal_timeout_seconds: float
    forward_portal_batch_size: int
    forward_pusat_enabled: bool
    forward_pusat_amqp_uri: str | None
    forward_pusat_max_age_seconds: float
    forward_retry_base_seconds: float
    forward_retry_max_seconds: float
    forward_batch_size: int
    service: str | None = field(default=None)
    #: per-service overrides from ``<SERVICE>_DATABASE_URL``
    #: (e.g. REGISTRASI_DATABASE_URL)
    service_database_urls: dict[str, str] = field(default_factory=dict)

    @property
    def is_test(self) -> bool:
        return self.lpse_env == "test"

    def database_url_for(self, service: str) -> str:
        """The service's own database: ``<SERVICE>_DATABASE_URL``, else
        ``DATABASE_URL``, else a SQLite file in VAR_DIR."""
        if service in self.service_database_urls:
            return self.service_database_urls[service]
        if self.database_url:
            return self.database_url
        path = Path(self.var_dir).resolve() / f"{service}.db"
        return f"sqlite:///{path}"

    def libur_lpse(self) -> dict[Any, str]:
        """``LPSE_LIBUR`` as ``{date: name}`` (the format is checked at load)."""
        from datetime import date

        days = {}
        for item in filter(None, (x.strip() for x in self.lpse_libur.split(","))):
            day, _, name = item.partition(":")
            days[date.fromisoformat(day)] = name.strip() or "libur LPSE"
        return days

    def tim_pengarah(self) -> tuple[str, ...]:
        """``TIM_PENGARAH_EMAILS`` as a tuple (may be empty)."""
        return _emails(self.tim_pengarah_emails)

    def inspektorat(self) -> tuple[str, ...]:
        """``INSPEKTORAT_EMAILS`` as a tuple (may be empty)."""
        return _emails(self.inspektorat_emails)

    def blob_path(self) -> Path:
        return Path(self.blob_dir or os.path.join(self.var_dir, "blobs")).resolve()

    def nameko_config(self) -> dict[str, Any]:
        """The keys nameko itself reads; nothing else goes into nameko's config."""
        return {
            "AMQP_URI": self.amqp_uri,
            "max_workers": self.max_workers,
            "serializer": "json",
            "LPSE_SETTINGS": self,
        }


def _emails(value: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in value.split(",") if x.strip())


def load_settings(
    environ: Mapping[str, str] | None = None,
    *,
    require: tuple[str, ...] = (),
    service: str | None = None,
) -> Settings:
    """Load and validate settings from ``environ`` (default ``os.environ``).

    :param require: variable names that must be present (e.g. ``("JWT_SECRET",)``).
    :raises ConfigError: listing every missing or invalid variable at once.
    """
    environ = os.environ if environ is None else environ
    schema = SettingsSchema()
    raw = {k: environ[k] for k in schema.fields if k in environ and environ[k] != ""}
    problems: dict[str, Any] = {}
    try:
        data = schema.load(raw)
    except ValidationError as exc:
        problems.update({k: "; ".join(map(str, v)) if isinstance(v, list) else v
                         for k, v in exc.messages.items()})
        data = {}
    for name in require:
        if name not in raw:
            problems.setdefault(name, "missing (required)")
    if problems:
        raise ConfigError(problems)
    names = {f.name for f in dc_fields(Settings)}
    values = {k.lower(): v for k, v in data.items() if k.lower() in names}
    per_service = {k[: -len("_DATABASE_URL")].lower(): v for k, v in environ.items()
                   if k.endswith("_DATABASE_URL") and k != "DATABASE_URL"
                   and k != "TEST_DATABASE_URL" and v}
    return Settings(**values, service=service, service_database_urls=per_service)


def settings_for(container_config: Mapping[str, Any]) -> Settings:
    """The Settings a running nameko container was started with (or load them now)."""
    settings = container_config.get("LPSE_SETTINGS")
    if isinstance(settings, Settings):
        return settings
    return load_settings()
