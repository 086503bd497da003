"""``--against``: figures of two runs matched by name (counts in names ignored), with ratios;
and the Posting comparison's figures when Posting does not finish (no Posting needed here)."""

from __future__ import annotations

from pathlib import Path

from benchmarks import compare, posting


def _run(*figures: tuple[str, str, float | None, str]) -> dict[str, object]:
    sections: dict[str, list[dict[str, object]]] = {}
    for section, name, value, unit in figures:
        sections.setdefault(section, []).append({"name": name, "value": value, "unit": unit})
    return {"sections": [{"name": k, "figures": v} for k, v in sections.items()]}


def test_differences_match_figures_by_name_and_give_ratios() -> None:
    old = _run(
        ("large", "6.25 MB: key delay (worst of 29)", 600.0, "ms"),
        ("large", "gone", 1.0, "s"),
        ("send", "overhead", None, "ms"),
    )
    new = _run(
        ("large", "6.25 MB: key delay (worst of 31)", 150.0, "ms"),
        ("large", "new one", 2.0, "s"),
        ("send", "overhead", 0.5, "ms"),
    )
    rows = {row[0]: row[1:] for row in compare.differences(old, new)}
    assert rows["large: 6.25 MB: key delay (worst)"] == ("600 ms", "150 ms", "0.25x")
    assert rows["large: new one"] == ("(not in the old run)", "2.000 s", "")
    assert rows["large: gone"] == ("1.000 s", "(not in this run)", "")
    assert rows["send: overhead"] == ("n/a", "0.5 ms", "")
    text = compare.table(old, new, "old.json")
    assert text.splitlines()[0].split() == ["measurement", "old", "(old.json)", "new", "new/old"]


def test_posting_is_found_by_path_or_venv(tmp_path: Path) -> None:
    script = tmp_path / "venv" / "bin" / "posting"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\n")
    assert posting.find_posting(str(script)) == script
    assert posting.find_posting(str(tmp_path / "venv")) == script
    assert posting.find_posting(str(tmp_path / "nowhere")) is None


def test_a_posting_run_that_did_not_finish_is_reported_so() -> None:
    found = posting.Comparison()
    found.startup = {"carman": [0.5, 0.7, 0.6], "posting": [1.2, 1.0, 1.1]}
    found.bodies["6.25 MB"] = {
        "carman": posting.BodyTimes(shown_s=0.1, formatted_s=1.0, peak_mb=80.0),
        "posting": posting.BodyTimes(note="did not finish within 90 s", peak_mb=1200.0),
    }
    section = posting.Section("carman vs Posting")
    posting._figures(section, found)
    by_name = {f.name: f for f in section.figures}
    assert by_name["startup, Posting / carman"].value == 1.1 / 0.6
    missed = by_name["6.25 MB: Posting / carman (formatted)"]
    assert missed.value is None and missed.note == "did not finish within 90 s"
    assert by_name["6.25 MB: Posting peak memory (VmHWM)"].value == 1200.0
