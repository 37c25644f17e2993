"""Compiled OCDS records, with ocdsmerge and the standard's own release schema.

Kept out of ``services.reporting.domain``: ocdsmerge pulls in ``requests`` (it can
fetch a schema from the standard's website), and the domain stays stdlib-only. Here
it never fetches: :class:`ocdsmerge.Merger` gets the copied 1.1.5 release schema
(``services/reporting/ocds/``, see its NOTICE.md), read once per process.

The merge rules come from that schema: fields marked ``omitWhenMerged`` are dropped,
``wholeListMerge`` lists (``tag``, ``parties[].roles``, ``submissionMethod``) are
replaced as a whole, and arrays of objects with an ``id`` (parties, awards,
contracts, milestones, amendments, and the bid extension's ``bids.details``) are
merged entry by entry on that id.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from ocdsmerge import Merger

OCDS_DIR = Path(__file__).resolve().parent / "ocds"
RELEASE_SCHEMA = OCDS_DIR / "release-schema-1.1.5.json"
STANDARD_ZIP = OCDS_DIR / "standard_1__1__5.zip"


@lru_cache(maxsize=1)
def _merger() -> Merger:
    schema = json.loads(RELEASE_SCHEMA.read_text("utf-8"))
    return Merger(schema=schema)


def compile_record(releases: Iterable[Mapping[str, Any]], *,
                   versioned: bool = False) -> dict[str, Any]:
    """The record of one contracting process: its releases (embedded, ordered by
    ``date``; releases with the same date keep the order given, which must be the
    event order) and the ``compiledRelease`` (plus the ``versionedRelease`` if
    asked).

    :raises ValueError: no release, or releases of more than one ocid.
    """
    ordered = sorted((dict(r) for r in releases), key=lambda r: r["date"])
    ocids = {r["ocid"] for r in ordered}
    if len(ocids) != 1:
        raise ValueError(f"one ocid per record, got {sorted(ocids) or 'none'}")
    record: dict[str, Any] = {
        "ocid": ocids.pop(), "releases": ordered,
        "compiledRelease": _merger().create_compiled_release(ordered)}
    if versioned:
        record["versionedRelease"] = _merger().create_versioned_release(ordered)
    return record


def compile_records(releases: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One record per ocid, in the order the ocids first appear."""
    by_ocid: dict[str, list[Mapping[str, Any]]] = {}
    for release in releases:
        by_ocid.setdefault(release["ocid"], []).append(release)
    return [compile_record(group) for group in by_ocid.values()]
