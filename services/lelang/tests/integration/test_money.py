"""Money is exact on both stores: the largest amount the contracts accept
(``RUPIAH_MAX``, Rp 9.999.999.999.999.999,99) goes in and comes out unchanged through
the use cases on PostgreSQL and on SQLite (where it used to come back as
``10000000000000000.00``); one more sen is a contract violation; amounts sort and
compare as numbers in SQL; and an SQLite database from before migration 0002 has its
amounts turned into sen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from services.common import migrations
from services.common.contracts import lelang as contracts
from services.common.errors import ContractViolation
from services.common.money import RUPIAH_MAX
from services.lelang.domain import KategoriPengadaan, MetodeLelang
from services.lelang.storage.models import Base, PaketRow
from services.lelang.tests.driver import EVALUASI, TenderWorld

pytestmark = pytest.mark.integration

SEN = Decimal("0.01")
NOW = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)  # Monday 10:00 WITA


@pytest.fixture(params=["postgresql", "sqlite"])
def url(request, tmp_path) -> str:
    if request.param == "postgresql":
        url = request.getfixturevalue("pg_database")("lelang_money")
    else:
        url = f"sqlite:///{tmp_path / 'lelang.db'}"
    migrations.upgrade("lelang", url)
    return url


@pytest.fixture
def world(url, tmp_path):
    w = TenderWorld(url, tmp_path / "blobs", NOW)
    yield w
    w.close()


def test_the_largest_amount_round_trips_through_the_use_cases(world):
    w = world
    rup = w.call("create_rup", {
        "actor": w.pa, "tahun_anggaran": NOW.year, "nama": "Jalan lingkar",
        "pagu": RUPIAH_MAX, "sumber_dana": "APBD", "kategori": "pekerjaan_konstruksi",
        "metode_rencana": "pascakualifikasi_1_file"})
    assert rup["pagu"] == RUPIAH_MAX
    w.call("set_ambang_batas", {"actor": w.pa, "tahun_anggaran": NOW.year,
                                "nilai_minimum": RUPIAH_MAX})
    paket = w.paket(pagu=str(RUPIAH_MAX), hps=str(RUPIAH_MAX))
    got = w.call("get_paket", {"actor": w.ppk, "paket_id": paket["paket_id"]})
    assert (got["pagu"], got["nilai_hps"], got["ambang_batas"]) == (
        RUPIAH_MAX, RUPIAH_MAX, RUPIAH_MAX)
    assert got["di_bawah_ambang"] is True  # compared as numbers, equal
    lelang = w.call("create_lelang", {
        "actor": w.pokja[0], "paket_id": paket["paket_id"],
        "metode": MetodeLelang.PASCAKUALIFIKASI_1_FILE,
        "metode_evaluasi": EVALUASI[MetodeLelang.PASCAKUALIFIKASI_1_FILE],
        "alasan_metode": "pekerjaan biasa",
        "jadwal": w.jadwal(MetodeLelang.PASCAKUALIFIKASI_1_FILE,
                           w.kalender.next_working_day(NOW.date() + timedelta(days=1))),
        "dokumen": [w.upload(b"%PDF-x")]})
    view = w.call("get_lelang", {"actor": w.pokja[0], "lelang_id": lelang["lelang_id"]})
    assert (view["pagu"], view["nilai_hps"]) == (RUPIAH_MAX, RUPIAH_MAX)
    # and as the contract dumps it for the gateway: the exact decimal string
    dumped = contracts.GET_LELANG.dump_response(view)
    assert (dumped["pagu"], dumped["nilai_hps"]) == (str(RUPIAH_MAX),) * 2


def test_amounts_sort_and_compare_as_numbers_in_sql(world):
    w = world
    amounts = [RUPIAH_MAX, RUPIAH_MAX - SEN, Decimal("0.01"), Decimal("99.99"),
               Decimal("100.00"), Decimal("1000000000.10"), Decimal("999999999.99")]
    for amount in amounts:
        w.paket(pagu=str(amount), hps=str(amount))
    with w.db.sessionmaker() as session:
        ordered = session.scalars(
            sa.select(PaketRow.pagu).order_by(PaketRow.pagu)).all()
        assert ordered == sorted(amounts)
        above = session.scalars(sa.select(PaketRow.pagu).where(
            PaketRow.pagu > RUPIAH_MAX - SEN)).all()
        assert above == [RUPIAH_MAX]
        assert session.scalar(sa.select(sa.func.max(PaketRow.nilai_hps))) == RUPIAH_MAX
        assert session.scalar(sa.select(sa.func.min(PaketRow.nilai_hps))) == SEN
        total = session.scalar(sa.select(sa.func.sum(PaketRow.pagu)).where(
            PaketRow.pagu < Decimal("1000000000000")))
        assert total == sum(a for a in amounts if a < Decimal("1000000000000"))


@pytest.mark.parametrize("too_much", [RUPIAH_MAX + SEN, Decimal("1e18"),
                                      Decimal("-0.01")])
def test_an_amount_outside_the_contract_is_a_contract_violation(too_much):
    request = {"actor": {"user_id": "u1", "roles": ["pa"]}, "tahun_anggaran": 2026,
               "idempotency_key": "money-test-key-1",
               "nama": "Jalan lingkar", "pagu": str(too_much), "sumber_dana": "APBD",
               "kategori": "pekerjaan_konstruksi"}
    with pytest.raises(ContractViolation) as caught:
        contracts.CREATE_RUP.load_request(request)
    assert caught.value.code == "CONTRACT_VIOLATION"
    assert "pagu" in str(caught.value.details)
    accepted = contracts.CREATE_RUP.load_request({**request, "pagu": str(RUPIAH_MAX)})
    assert accepted["pagu"] == RUPIAH_MAX


# ------------------------------------------------------------------ migration 0002
def _value_for(column: sa.Column, amount: Decimal) -> Any:
    kind = column.type
    if isinstance(kind, sa.Numeric) and not isinstance(kind, sa.Float):
        return amount
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, sa.Integer):
        return 1
    if isinstance(kind, sa.DateTime):
        return NOW
    if isinstance(kind, sa.JSON):
        return []
    return "x"


def _row(table: sa.Table, amount: Decimal, **given: Any) -> dict[str, Any]:
    """A row of the table as revision 0001 has it: ``amount`` in every amount
    column, a plain value in every other required column."""
    row = {c.name: _value_for(c, amount) for c in table.columns
           if not c.nullable or isinstance(c.type, sa.Numeric)}
    row.update(given)
    return row


AMOUNTS = [Decimal("1250000000.50"), Decimal("0.01"), Decimal("12345678.91")]
MONEY = {"rup": ["pagu"], "ambang_batas": ["nilai_minimum"],
         "paket": ["pagu", "nilai_hps", "ambang_batas"],
         "lelang": ["pagu", "nilai_hps"], "penawaran": ["harga"],
         "evaluasi": ["harga_terkoreksi"]}


def _fill_at_0001(url: str) -> None:
    """Rows linked by foreign keys (rup <- paket <- lelang <- penawaran, evaluasi),
    written through the old ``NUMERIC`` columns as the old models wrote them."""
    engine = sa.create_engine(url, poolclass=NullPool)
    meta = sa.MetaData()
    meta.reflect(engine)
    t = meta.tables
    with engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=ON")
        for i, amount in enumerate(AMOUNTS):
            conn.execute(t["rup"].insert(), _row(t["rup"], amount, rup_id=f"r{i}"))
            conn.execute(t["ambang_batas"].insert(), _row(
                t["ambang_batas"], amount, agency_id=f"AG{i}"))
            conn.execute(t["paket"].insert(), _row(
                t["paket"], amount, paket_id=f"p{i}", rup_id=f"r{i}",
                ambang_batas=None if i == 0 else amount))
            conn.execute(t["lelang"].insert(), _row(
                t["lelang"], amount, lelang_id=f"l{i}", paket_id=f"p{i}",
                kode=f"K{i}"))
            conn.execute(t["penawaran"].insert(), _row(
                t["penawaran"], amount, penawaran_id=f"w{i}", lelang_id=f"l{i}",
                harga=None if i == 0 else amount))
            conn.execute(t["evaluasi"].insert(), _row(
                t["evaluasi"], amount, lelang_id=f"l{i}", penyedia_id="v",
                harga_terkoreksi=amount))
    engine.dispose()


def _raw(url: str, table: str, column: str) -> list[Any]:
    engine = sa.create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        values = conn.exec_driver_sql(
            f"SELECT {column} FROM {table} ORDER BY rowid").scalars().all()
    engine.dispose()
    return values


def test_an_existing_sqlite_database_has_its_amounts_turned_into_sen(tmp_path):
    url = f"sqlite:///{tmp_path / 'lelang.db'}"
    migrations.upgrade("lelang", url, "0001")
    _fill_at_0001(url)
    assert isinstance(_raw(url, "rup", "pagu")[0], float)  # what 0001 left behind

    migrations.upgrade("lelang", url)

    expected_sen = [int(a * 100) for a in AMOUNTS]
    for table, columns in MONEY.items():
        for column in columns:
            raw = _raw(url, table, column)
            assert all(v is None or type(v) is int for v in raw), (table, column, raw)
            assert [v for v in raw if v is not None] == [
                s for i, s in enumerate(expected_sen)
                if raw[i] is not None], (table, column)
    migrations.check("lelang", url)  # the columns are BIGINT now, as the models say
    engine = sa.create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        indexes = {i["name"] for i in sa.inspect(conn).get_indexes("lelang")}
        assert {"ix_lelang_due", "ix_lelang_agency_tahun"} <= indexes
    engine.dispose()
    # read through the models: the amounts exactly
    w = TenderWorld(url, tmp_path / "blobs", NOW)
    try:
        with w.db.sessionmaker() as session:
            got = session.scalars(sa.select(PaketRow.nilai_hps).order_by(
                PaketRow.paket_id)).all()
        assert got == AMOUNTS
    finally:
        w.close()

    migrations.downgrade("lelang", url, "0001")
    assert _raw(url, "paket", "pagu") == [float(a) for a in AMOUNTS]
    migrations.upgrade("lelang", url)
    assert _raw(url, "paket", "pagu") == expected_sen


def test_models_use_money_for_every_amount():
    """Every NUMERIC column of lelang with two places is an amount and a Money one
    (skor_teknis is a score, not money)."""
    from services.common.sqltypes import Money

    numeric = {f"{t.name}.{c.name}" for t in Base.metadata.tables.values()
               for c in t.columns if isinstance(c.type, sa.Numeric | Money)}
    money = {f"{t.name}.{c.name}" for t in Base.metadata.tables.values()
             for c in t.columns if isinstance(c.type, Money)}
    assert money == {f"{t}.{c}" for t, cs in MONEY.items() for c in cs}
    assert numeric - money == {"evaluasi.skor_teknis"}


def test_a_huge_hps_breakdown_is_a_mismatch_not_a_crash(world):
    """volume x harga_satuan beyond 28 digits used to raise InvalidOperation (500)
    when the total was rounded to the sen."""
    from services.common.errors import BadRequest

    w = world
    with pytest.raises(BadRequest) as caught:
        w.call("create_paket", {
            "actor": w.ppk, "nama": "Jalan", "tahun_anggaran": NOW.year,
            "sumber_dana": "APBD", "pagu": RUPIAH_MAX, "nilai_hps": RUPIAH_MAX,
            "rincian_hps": [{"uraian": "Pekerjaan", "satuan": "ls",
                             "volume": Decimal("9999999999999999.9999"),
                             "harga_satuan": RUPIAH_MAX}],
            "kategori": "pekerjaan_konstruksi", "lokasi": "Karangasem",
            "syarat_kualifikasi": [], "dokumen": [w.upload()]})
    assert caught.value.code == "RINCIAN_HPS_MISMATCH"


def test_through_the_service_over_rpc(container_factory, service_config, url, world,
                                      tmp_path):
    """The largest amount over AMQP into a running lelang and back, exact; one sen
    more is refused by the service itself (422 CONTRACT_VIOLATION at the gateway)."""
    from nameko.standalone.rpc import ServiceRpcProxy
    from nameko.testing.services import replace_dependencies

    from services.common import sealing
    from services.common.messaging import RpcClient
    from services.lelang.service import LelangService

    config = service_config("lelang", database_url=url,
                            blob_dir=str(tmp_path / "service-blobs"),
                            lelang_master_key=sealing.generate_master_key())
    container = container_factory(LelangService, config)
    replace_dependencies(container, registrasi=world.registrasi)
    container.start()
    w = world
    request = {"actor": w.pa, "idempotency_key": "money-over-rpc-1",
               "tahun_anggaran": NOW.year, "nama": "Jalan lingkar",
               "pagu": RUPIAH_MAX, "sumber_dana": "APBD",
               "kategori": KategoriPengadaan.PEKERJAAN_KONSTRUKSI}
    with ServiceRpcProxy("lelang", config, timeout=20) as proxy:
        client = RpcClient(lambda service: proxy)
        rup = client.call(contracts.CREATE_RUP, request)
        assert rup["pagu"] == RUPIAH_MAX
        listed = client.call(contracts.LIST_RUP, {"actor": w.pa})
        assert [r["pagu"] for r in listed["items"]] == [RUPIAH_MAX]
        raw = contracts.CREATE_RUP.dump_request({**request,
                                                 "idempotency_key": "money-over-rpc-2"})
        raw["pagu"] = str(RUPIAH_MAX + SEN)
        with pytest.raises(ContractViolation):
            getattr(proxy, contracts.CREATE_RUP.method)(raw)
