"""Export a person's history and pain reports as CSV or JSON, and read those files back.

Times are written twice: as local ISO 8601 (for people and spreadsheets) and as exact Unix
seconds (what is read back), so an export round-trips every field. CSV is one table with a
`record` column ("session" or "pain"); text that a spreadsheet would run as a formula is
prefixed with an apostrophe, which reading removes again.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from shared_content.progress import OUTCOMES, Outcome, PainReport, SessionRecord, zone

FORMAT = "psoas-coach-export"
VERSION = 1

CSV_COLUMNS = (
    "record",
    "routine_id",
    "routine_name",
    "outcome",
    "started_at",
    "started_at_unix",
    "finished_at",
    "finished_at_unix",
    "minutes",
    "pain_before",
    "pain_after",
    "at",
    "at_unix",
    "exercise_id",
    "exercise_name",
    "score",
    "side",
    "rep",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


class ExportError(ValueError):
    """The file is not a Psoas Coach export, or a field in it is wrong (the message says which)."""


def _local(epoch: float, time_zone: str) -> str:
    return datetime.fromtimestamp(epoch, zone(time_zone)).isoformat(timespec="seconds")


def _session_dict(record: SessionRecord, time_zone: str) -> dict[str, Any]:
    return {
        "routine_id": record.routine_id,
        "routine_name": record.routine_name,
        "outcome": record.outcome,
        "started_at": _local(record.started_at, time_zone),
        "started_at_unix": record.started_at,
        "finished_at": _local(record.finished_at, time_zone),
        "finished_at_unix": record.finished_at,
        "minutes": record.minutes,
        "pain_before": record.pain_before,
        "pain_after": record.pain_after,
    }


def _pain_dict(report: PainReport, time_zone: str) -> dict[str, Any]:
    return {
        "at": _local(report.at, time_zone),
        "at_unix": report.at,
        "exercise_id": report.exercise_id,
        "exercise_name": report.exercise_name,
        "score": report.score,
        "side": report.side,
        "rep": report.rep,
    }


# --- JSON --------------------------------------------------------------------------------------


def to_json(records: Sequence[SessionRecord], reports: Sequence[PainReport], time_zone: str) -> str:
    document = {
        "format": FORMAT,
        "version": VERSION,
        "time_zone": time_zone,
        "sessions": [_session_dict(r, time_zone) for r in records],
        "pain_reports": [_pain_dict(p, time_zone) for p in reports],
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def from_json(text: str) -> tuple[list[SessionRecord], list[PainReport]]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ExportError(f"not JSON: {exc}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ExportError(f"not a {FORMAT} file")
    if document.get("version") != VERSION:
        raise ExportError(f"unsupported version {document.get('version')!r}")
    sessions, pains = document.get("sessions"), document.get("pain_reports")
    if not isinstance(sessions, list) or not isinstance(pains, list):
        raise ExportError("needs 'sessions' and 'pain_reports' lists")
    return [_session(row, f"session {n}") for n, row in enumerate(sessions, 1)], [
        _pain(row, f"pain report {n}") for n, row in enumerate(pains, 1)
    ]


# --- CSV ---------------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)  # exact: float(repr(x)) == x
    text = str(value)
    # "" must differ from None (an empty cell), so it is written as a lone apostrophe.
    return "'" + text if text == "" or text.startswith(_FORMULA_START) else text


def to_csv(records: Sequence[SessionRecord], reports: Sequence[PainReport], time_zone: str) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for record in records:
        writer.writerow(
            {"record": "session"} | {k: _cell(v) for k, v in _session_dict(record, time_zone).items()}
        )
    for report in reports:
        writer.writerow({"record": "pain"} | {k: _cell(v) for k, v in _pain_dict(report, time_zone).items()})
    return out.getvalue()


def from_csv(text: str) -> tuple[list[SessionRecord], list[PainReport]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if tuple(reader.fieldnames or ()) != CSV_COLUMNS:
        raise ExportError("not a Psoas Coach CSV export (the header row differs)")
    records: list[SessionRecord] = []
    reports: list[PainReport] = []
    for line, row in enumerate(reader, start=2):
        values: dict[str, Any] = {k: _uncell(k, v) for k, v in row.items() if k != "record"}
        if row["record"] == "session":
            records.append(_session(values, f"line {line}"))
        elif row["record"] == "pain":
            reports.append(_pain(values, f"line {line}"))
        else:
            raise ExportError(f"line {line}: record must be 'session' or 'pain', not {row['record']!r}")
    return records, reports


_NUMBER_COLUMNS = {"started_at_unix", "finished_at_unix", "minutes", "at_unix"}
_INT_COLUMNS = {"pain_before", "pain_after", "score", "rep"}


def _uncell(column: str, cell: str | None) -> Any:
    if cell is None or cell == "":
        return None
    try:
        if column in _NUMBER_COLUMNS:
            return float(cell)
        if column in _INT_COLUMNS:
            return int(cell)
    except ValueError:
        return cell  # _session/_pain report the wrong type with the field's name
    return cell[1:] if cell.startswith("'") else cell


# --- reading fields back -----------------------------------------------------------------------


def _field(
    row: dict[str, Any], name: str, kind: type | tuple[type, ...], where: str, optional: bool = False
) -> Any:
    if not isinstance(row, dict):
        raise ExportError(f"{where}: must be an object")
    value = row.get(name)
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, kind):
        raise ExportError(f"{where}: field {name!r} is missing or has the wrong type ({value!r})")
    return value


def _score(row: dict[str, Any], name: str, where: str) -> int | None:
    value: int | None = _field(row, name, int, where, optional=True)
    if value is not None and not 0 <= value <= 10:
        raise ExportError(f"{where}: field {name!r} must be 0-10 ({value!r})")
    return value


def _session(row: dict[str, Any], where: str) -> SessionRecord:
    outcome = _field(row, "outcome", str, where)
    if outcome not in OUTCOMES:
        raise ExportError(f"{where}: outcome must be one of {', '.join(OUTCOMES)} ({outcome!r})")
    known: Outcome = next(o for o in OUTCOMES if o == outcome)
    return SessionRecord(
        routine_id=_field(row, "routine_id", str, where),
        routine_name=_field(row, "routine_name", str, where),
        started_at=float(_field(row, "started_at_unix", (int, float), where)),
        finished_at=float(_field(row, "finished_at_unix", (int, float), where)),
        outcome=known,
        minutes=float(_field(row, "minutes", (int, float), where)),
        pain_before=_score(row, "pain_before", where),
        pain_after=_score(row, "pain_after", where),
    )


def _pain(row: dict[str, Any], where: str) -> PainReport:
    return PainReport(
        at=float(_field(row, "at_unix", (int, float), where)),
        exercise_id=_field(row, "exercise_id", str, where, optional=True),
        exercise_name=_field(row, "exercise_name", str, where, optional=True),
        score=_score(row, "score", where),
        side=_field(row, "side", str, where, optional=True),
        rep=_field(row, "rep", int, where, optional=True),
    )
