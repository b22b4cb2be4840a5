"""template-outdated and migrate on the course's real templates and the real reports in ../shared."""

from __future__ import annotations

import re

import pytest

from mlops_report.analysis import Analyzer
from mlops_report.cli import read_report
from mlops_report.editions import by_id
from mlops_report.migrate import CARRIED_HEADING, migrate
from mlops_report.parse import parse
from mlops_report.settings import Settings
from tests.conftest import SHARED

TEMPLATES = SHARED / "templates"
REPORTS = (
    sorted(p for p in (SHARED / "reports").glob("*") if (p / "reports" / "README.md").is_file())
    if (SHARED / "reports").is_dir()
    else []
)

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not (TEMPLATES / "INDEX.md").is_file(), reason=f"no templates at {TEMPLATES}"),
]


def template(eid: str) -> str:
    return (TEMPLATES / f"{eid}_README.md").read_text(encoding="utf-8")


def outdated(text: str, settings: Settings | None = None) -> list[str]:
    return [f.message for f in Analyzer().analyse(text, settings=settings).findings if f.code == "template-outdated"]


def test_a_report_on_an_older_template_of_its_run_is_told_so():
    (message,) = outdated(template("2026-01-04_1fa25710"))
    assert message == (
        "written on the 2026-01-04 template (1fa25710), older than the January 2026 run's newest, "
        "2026-01-09 (eb7305c5): question 3 states 0-200 words, 2 checklist items are new or reworded; "
        "`mlops-report migrate` moves the answers and ticks onto it"
    )
    (message,) = outdated(template("2024-11-09_92b03d41"))
    assert (
        "older than the January 2025 run's newest, 2025-01-24 (9c3875c2): it has 31 questions where yours "
        "has 27" in message
    )


@pytest.mark.parametrize(
    "eid", ["2026-01-09_eb7305c5", "2025-01-24_9c3875c2", "2023-09-27_64ea22b7", "2023-01-06_1477d9cd"]
)
def test_a_runs_newest_template_is_not_outdated(eid):
    assert outdated(template(eid)) == []


def test_the_setting_names_the_template_too():
    text = template("2026-01-09_eb7305c5")
    assert outdated(text, Settings(edition="2026-01-09_e3622b47"))[0].startswith(
        "written on the 2026-01-09 template (e3622b47), older than the January 2026 run's newest"
    )


@pytest.mark.skipif(not REPORTS, reason="no real reports in ../shared/reports")
@pytest.mark.parametrize("folder", REPORTS, ids=lambda p: p.name)
def test_a_real_report_onto_its_runs_newest_template(folder):
    text = read_report(folder / "reports" / "README.md")
    before = Analyzer().analyse(text)
    newest = by_id(before.edition.run.template)
    result = migrate(text, template(newest.id))
    after_report = parse(result.text)
    for q in parse(text).questions:
        assert after_report.question(q.number).answer.text.strip() == q.answer.text.strip(), q.number
    # every ticked item's words are ticked in the new checklist or kept at the end
    ticked_now = [i.text for i in after_report.checklist if i.checked] + re.findall(r"\[[xX]\] (.*)", result.carried)
    for item in parse(text).checklist:
        if item.checked:
            words = re.sub(r"\W+", " ", item.text).strip().lower()
            assert any(words in re.sub(r"\W+", " ", t).lower() for t in ticked_now), item.text
    after = Analyzer().analyse(result.text)
    assert after.edition.id == newest.id and not [f for f in after.findings if f.code == "template-outdated"]
    # the checker counts every answer as before (the run's checker judges both)
    assert [(q.number, q.checker_words, q.checker_images) for q in after.questions] == [
        (q.number, q.checker_words, q.checker_images) for q in before.questions
    ]
    assert CARRIED_HEADING not in result.text or re.search(r"\S", result.carried)
