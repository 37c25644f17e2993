"""Settings: validated once, every problem listed, placeholder secrets refused."""

from __future__ import annotations

import pytest

from services.common.config import ConfigError, load_settings

STRONG = "9f2c1e7a4b8d6f3e0a5c2b9d8e7f6a1b3c4d5e6f7a8b9c0d"


def test_every_missing_or_invalid_variable_is_listed_at_once():
    with pytest.raises(ConfigError) as error:
        load_settings({"LPSE_ENV": "staging", "MAX_WORKERS": "0"},
                      require=("JWT_SECRET", "DATABASE_URL"))
    assert set(error.value.problems) == {"LPSE_ENV", "MAX_WORKERS", "JWT_SECRET",
                                         "DATABASE_URL"}
    assert error.value.problems["JWT_SECRET"] == "missing (required)"
    for name in error.value.problems:
        assert name in str(error.value)


def test_empty_values_count_as_missing():
    with pytest.raises(ConfigError) as error:
        load_settings({"JWT_SECRET": ""}, require=("JWT_SECRET",))
    assert list(error.value.problems) == ["JWT_SECRET"]


@pytest.mark.parametrize("secret", [
    "change-me", "secret", "x" * 20, "this-is-a-placeholder-value-of-40-chars-ok",
    "dev-0123456789abcdef0123456789abcdef"])
def test_placeholder_secret_refused_in_production(secret):
    with pytest.raises(ConfigError) as error:
        load_settings({"LPSE_ENV": "production", "JWT_SECRET": secret})
    assert list(error.value.problems) == ["JWT_SECRET"]
    # production is also the default environment
    with pytest.raises(ConfigError):
        load_settings({"JWT_SECRET": secret})


@pytest.mark.parametrize("env", ["dev", "test"])
def test_placeholder_secret_accepted_in_dev_and_test(env):
    settings = load_settings({"LPSE_ENV": env, "JWT_SECRET": "change-me"})
    assert settings.jwt_secret == "change-me" and settings.lpse_env == env


def test_strong_secret_accepted_in_production():
    settings = load_settings({"LPSE_ENV": "production", "JWT_SECRET": STRONG})
    assert settings.jwt_secret == STRONG and not settings.is_test


@pytest.mark.parametrize("env", ["dev", "production"])
def test_fault_injection_refused_outside_test(env):
    with pytest.raises(ConfigError) as error:
        load_settings({"LPSE_ENV": env, "JWT_SECRET": STRONG,
                       "LPSE_FAULT": "relay_crash_after_publish"})
    assert list(error.value.problems) == ["LPSE_FAULT"]


def test_fault_injection_accepted_in_test():
    settings = load_settings({"LPSE_ENV": "test",
                              "LPSE_FAULT": "relay_crash_after_publish"})
    assert settings.lpse_fault == "relay_crash_after_publish"


def test_types_defaults_and_database_urls(tmp_path):
    settings = load_settings({"LPSE_ENV": "test", "EVENT_MAX_ATTEMPTS": "3",
                              "OUTBOX_RELAY_ENABLED": "false",
                              "VAR_DIR": str(tmp_path)})
    assert settings.event_max_attempts == 3
    assert settings.outbox_relay_enabled is False
    assert settings.event_retry_base_seconds == 1.0
    assert settings.database_url_for("registrasi") == (
        f"sqlite:///{tmp_path.resolve()}/registrasi.db")
    shared = load_settings({"LPSE_ENV": "test", "DATABASE_URL": "postgresql://h/db"})
    assert shared.database_url_for("registrasi") == "postgresql://h/db"
    nameko = shared.nameko_config()
    assert nameko["LPSE_SETTINGS"] is shared and nameko["serializer"] == "json"


def test_lpse_days_are_read_and_checked():
    from datetime import date

    from services.common.config import ConfigError, load_settings

    settings = load_settings({"LPSE_ENV": "test", "LPSE_LIBUR":
                              "2026-12-24:Cuti bersama,2026-11-18"})
    assert settings.libur_lpse() == {date(2026, 12, 24): "Cuti bersama",
                                     date(2026, 11, 18): "libur LPSE"}
    assert load_settings({"LPSE_ENV": "test"}).libur_lpse() == {}
    import pytest

    with pytest.raises(ConfigError) as err:
        load_settings({"LPSE_ENV": "test", "LPSE_LIBUR": "24-12-2026"})
    assert "LPSE_LIBUR" in err.value.problems


def test_pengaduan_recipients_are_read_and_checked():
    import pytest

    from services.common.config import ConfigError, load_settings

    settings = load_settings({
        "LPSE_ENV": "test",
        "TIM_PENGARAH_EMAILS": "tim@karangasemkab.go.id, sekretariat@lpse.go.id",
        "INSPEKTORAT_EMAILS": "inspektorat@karangasemkab.go.id"})
    assert settings.tim_pengarah() == ("tim@karangasemkab.go.id",
                                       "sekretariat@lpse.go.id")
    assert settings.inspektorat() == ("inspektorat@karangasemkab.go.id",)
    empty = load_settings({"LPSE_ENV": "test"})
    assert empty.tim_pengarah() == () == empty.inspektorat()
    for bad in ("not-an-address", "a@b.id,,c@d.id", "a@b.id;c@d.id"):
        with pytest.raises(ConfigError) as err:
            load_settings({"LPSE_ENV": "test", "INSPEKTORAT_EMAILS": bad})
        assert "INSPEKTORAT_EMAILS" in err.value.problems
