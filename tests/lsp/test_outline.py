"""The report at a glance: the outline request and notification, document symbols in every
client, the answer text the checker does not read (faded, with a hover saying why), the hover
on a figure's file and on a checklist item's evidence, and the name a pasted figure gets."""

from __future__ import annotations

import pytest
from lsprotocol import types

from tests.builder import PNG_1PX, ReportBuilder, words

from .conftest import Session, until

OUTLINE = "mlopsReport/outline"


def _outline_capability(profile, capabilities) -> None:
    capabilities.experimental = {"mlopsReportOutline": True}


def glance_report(tmp_path, extra: dict[str, bytes] | None = None):
    """A 2026 report: question 4 cut by a sub-heading, question 7 with a stray 'Answer:', question 12
    short, a Docker item unticked and a lint item ticked in a repository with a Dockerfile."""
    b = ReportBuilder("2026").fill_all()
    b.answer(4, words(110) + "\n\n#### Zebra details\n\n" + words(40))
    b.answer(7, "Quokka " + words(15) + "\nAnswer: " + words(120))
    b.answer(12, "Wombat " + words(29))
    path = b.write(tmp_path)
    text = path.read_text(encoding="utf-8")
    text = text.replace("* [ ] Task 1 of week 1\n", "* [ ] Write Docker files for the training\n", 1)
    text = text.replace("* [ ] Task 2 of week 1\n", "* [x] Add a linting step to the CI\n", 1)
    path.write_text(text, encoding="utf-8")
    for rel, data in {"Dockerfile": b"FROM python:3.12-slim\n", **(extra or {})}.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(data)
    return path


async def outline_of(client, uri: str):
    return await client.protocol.send_request_async(OUTLINE, {"textDocument": {"uri": uri}})


def plain(obj):
    if isinstance(obj, dict):
        return {k: plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)) and not hasattr(obj, "_asdict"):
        return [plain(v) for v in obj]
    if hasattr(obj, "_asdict"):
        return {k: plain(v) for k, v in obj._asdict().items()}
    return obj


async def test_outline_request(client, session: Session, tmp_path):
    uri = session.open_file(glance_report(tmp_path))
    data = plain(await outline_of(client, uri))
    assert data["isReport"] and data["total"] == 31
    by_number = {q["number"]: q for q in data["questions"]}
    q12 = by_number[12]
    assert q12["status"] == "fail" and q12["checkerWords"] == 30 and q12["limits"]["words"] == [50, 100]
    assert q12["summary"] == "30 / 50–100 words ✗"
    assert q12["line"] == session.range_of(uri, "### Question 12").start.line
    assert q12["line"] < q12["endLine"] < by_number[13]["line"]
    assert by_number[14]["figures"] and by_number[14]["figures"][0]["target"] == "figures/q14_0.png"
    assert data["failing"] == sum(q["status"] != "pass" for q in data["questions"])
    sections = {s["title"]: s for s in data["sections"]}
    assert sections["Experiments"]["questions"] == [12, 13, 14, 15, 16]
    assert sections["Experiments"]["line"] == session.range_of(uri, "## Experiments").start.line
    checklist = data["checklist"]
    assert (checklist["ticked"], checklist["total"]) == (1, 12)
    week1 = checklist["groups"][0]
    assert (week1["title"], week1["ticked"], week1["total"]) == ("Week 1", 1, 3)
    docker, lint = week1["items"][0], week1["items"][1]
    assert docker["hint"] == "checklist-unticked-evidence" and "Dockerfile" in docker["found"]
    assert lint["ticked"] and lint["hint"] == "checklist-no-evidence" and lint["found"] is None
    # not a report: null
    other = session.open(tmp_path.joinpath("notes.md").as_uri(), "# Notes\n\nJust text.\n")
    assert await outline_of(client, other) is None


@pytest.mark.capabilities.with_args(_outline_capability)
async def test_outline_notification_follows_the_typing(client, session: Session, tmp_path):
    seen: list[dict] = []
    client.feature(OUTLINE)(lambda params: seen.append(plain(params)))
    uri = session.open_file(glance_report(tmp_path))
    await until(lambda: any(s["uri"] == uri for s in seen), 10, "an outline notification")
    first = [s for s in seen if s["uri"] == uri][-1]
    assert {q["number"]: q["checkerWords"] for q in first["questions"]}[12] == 30
    text = session.texts[uri]
    at = session.position(text, text.index("Wombat") + len("Wombat"))
    session.change(uri, [types.TextEdit(types.Range(at, at), " " + words(30))])
    await until(
        lambda: {q["number"]: q["checkerWords"] for q in seen[-1]["questions"]}[12] == 60,
        10,
        "an outline with 60 words in question 12",
    )
    assert {q["number"]: q["status"] for q in seen[-1]["questions"]}[12] == "pass"
    # an analysis that changes nothing sends nothing
    count = len(seen)
    session.change(uri, text=session.texts[uri])
    await session.diagnostics(uri)
    assert len(seen) == count


async def test_outline_is_not_pushed_unasked(client, session: Session, tmp_path):
    seen: list = []
    client.feature(OUTLINE)(lambda params: seen.append(params))
    uri = session.open_file(glance_report(tmp_path))
    await session.diagnostics(uri)
    await session.status(uri)
    assert seen == []


async def test_document_symbols(client, session: Session, tmp_path):
    uri = session.open_file(glance_report(tmp_path))
    result = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(types.TextDocumentIdentifier(uri=uri))
    )
    assert isinstance(result[0], types.DocumentSymbol)  # every profile declares hierarchical symbols
    by_name = {s.name: s for s in result}
    assert list(by_name)[:2] == ["Project checklist", "Group details"]
    experiments = by_name["Experiments"]
    names = [c.name for c in experiments.children]
    assert names == ["Question 12", "Question 13", "Question 14", "Question 15", "Question 16"]
    q12 = experiments.children[0]
    assert q12.detail == "30 / 50–100 words ✗"
    assert q12.selection_range == session.range_of(uri, "### Question 12")
    assert experiments.children[1].detail.endswith("✓")
    assert experiments.detail == "4 / 5 pass"
    checklist = by_name["Project checklist"]
    assert checklist.detail == "1 / 12 ticked"
    week1 = checklist.children[0]
    assert (week1.name, week1.detail) == ("Week 1", "1 / 3 ticked")
    assert [(c.name, c.detail) for c in week1.children][:2] == [
        ("Write Docker files for the training", "not ticked"),
        ("Add a linting step to the CI", "ticked"),
    ]

    # every child lies inside its parent
    def inside(outer: types.Range, inner: types.Range) -> bool:
        return (outer.start.line, outer.start.character) <= (inner.start.line, inner.start.character) and (
            inner.end.line,
            inner.end.character,
        ) <= (outer.end.line, outer.end.character)

    for s in result:
        for c in s.children or ():
            assert inside(s.range, c.range) and inside(c.range, c.selection_range)


def _flat_symbols(profile, capabilities) -> None:
    capabilities.text_document.document_symbol = types.DocumentSymbolClientCapabilities(
        hierarchical_document_symbol_support=False
    )


@pytest.mark.capabilities.with_args(_flat_symbols)
async def test_document_symbols_for_a_client_without_hierarchy(client, session: Session, tmp_path):
    uri = session.open_file(glance_report(tmp_path))
    result = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(types.TextDocumentIdentifier(uri=uri))
    )
    assert all(isinstance(s, types.SymbolInformation) for s in result)
    q12 = next(s for s in result if s.name == "Question 12")
    assert q12.container_name == "Experiments" and q12.location.uri == uri


async def test_no_symbols_for_markdown_that_is_not_a_report(client, session: Session, tmp_path):
    uri = session.open(tmp_path.joinpath("notes.md").as_uri(), "# Notes\n\n## A part\n\nText.\n")
    result = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(types.TextDocumentIdentifier(uri=uri))
    )
    assert not result


async def test_text_the_checker_does_not_read_is_faded(client, session: Session, tmp_path):
    uri = session.open_file(glance_report(tmp_path))
    diagnostics = await session.diagnostics(uri)
    faded = [d for d in diagnostics if d.code == "checker-ignores"]
    assert len(faded) == 2
    for d in faded:
        assert d.severity == types.DiagnosticSeverity.Hint and list(d.tags) == [types.DiagnosticTag.Unnecessary]
    text = session.texts[uri]
    cut, dropped = sorted(faded, key=lambda d: d.range.start.line)
    # question 4: from the #### heading to the end of its answer
    start = text.index("#### Zebra details")
    end = text.index(words(40), start) + len(words(40))
    assert cut.range == types.Range(session.position(text, start), session.position(text, end))
    # question 7: the text before the stray 'Answer:', the label with it
    start = text.index("Quokka")
    assert dropped.range == types.Range(
        session.position(text, start), session.position(text, text.index("\nAnswer: ", start) + len("\nAnswer:"))
    )
    # the hover on the faded text says why; plain prose still gets none
    h = await client.text_document_hover_async(
        types.HoverParams(
            types.TextDocumentIdentifier(uri=uri),
            session.position(text, text.index(words(40), text.index("Zebra")) + 3),
        )
    )
    assert h is not None and "stops reading an answer at its first '##'" in h.contents.value
    assert h.range == cut.range
    h = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri=uri), session.position(text, text.index("Quokka") + 2))
    )
    assert "holds no '###', so it is dropped" in h.contents.value
    h = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri=uri), session.position(text, text.index("Wombat") + 3))
    )
    assert h is None
    # fixed: no longer faded
    session.change(uri, text=text.replace("#### Zebra details", "**Zebra details**"))
    diagnostics = await session.diagnostics(uri)
    assert [d.range.start.line for d in diagnostics if d.code == "checker-ignores"] == [dropped.range.start.line]


async def test_hover_on_a_figure_gives_its_size_and_dimensions(client, session: Session, tmp_path):
    path = glance_report(tmp_path)
    (path.parent / "figures/q14_0.png").write_bytes(
        PNG_1PX[:16] + (640).to_bytes(4, "big") + (480).to_bytes(4, "big") + PNG_1PX[24:] + bytes(700_000)
    )
    uri = session.open_file(path)
    diagnostics = await session.diagnostics(uri)
    large = [d for d in diagnostics if d.code == "image-too-large"]
    assert len(large) == 1 and "check-added-large-files" in large[0].message
    text = session.texts[uri]
    h = await client.text_document_hover_async(
        types.HoverParams(
            types.TextDocumentIdentifier(uri=uri), session.position(text, text.index("figures/q14_0.png") + 3)
        )
    )
    assert "PNG: 700 KB, 640 × 480 pixels" in h.contents.value


async def test_hover_on_a_checklist_item_shows_the_evidence(client, session: Session, tmp_path):
    uri = session.open_file(glance_report(tmp_path))
    await session.diagnostics(uri)
    text = session.texts[uri]

    async def hover(needle: str) -> str:
        h = await client.text_document_hover_async(
            types.HoverParams(types.TextDocumentIdentifier(uri=uri), session.position(text, text.index(needle) + 4))
        )
        return h.contents.value

    docker = await hover("Write Docker files")
    assert "**Repository evidence** (dockerfiles, M10)" in docker and "a Dockerfile: `Dockerfile`" in docker
    lint = await hover("Add a linting step")
    assert "nothing found; looked for a workflow with a lint step" in lint
    diagnostics = await session.diagnostics(uri)
    hints = {d.code: d for d in diagnostics if d.code.startswith("checklist-")}
    assert hints["checklist-unticked-evidence"].severity == types.DiagnosticSeverity.Hint
    assert hints["checklist-no-evidence"].range.start.line == session.range_of(uri, "Add a linting").start.line


async def figure_name(client, params):
    return plain(
        await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="mlopsReport.figureName", arguments=[params])
        )
    )


async def test_figure_name_for_a_paste(client, session: Session, tmp_path):
    path = glance_report(tmp_path, extra={"reports/figures/Q12-1.png": PNG_1PX})
    uri = session.open_file(path)
    await session.diagnostics(uri)
    text = session.texts[uri]
    cursor = session.position(text, text.index("Wombat") + 5)  # inside question 12's answer
    named = await figure_name(
        client,
        {"uri": uri, "position": {"line": cursor.line, "character": cursor.character}, "extension": "png", "count": 2},
    )
    # Q12-1.png is there: on Windows and macOS q12-1.png is the same file
    assert named["question"] == 12 and named["names"] == ["q12-2.png", "q12-3.png"]
    assert named["relative"] == ["figures/q12-2.png", "figures/q12-3.png"]
    assert named["links"][0] == "![q12-2](figures/q12-2.png)"
    assert named["files"][0] == (path.parent / "figures/q12-2.png").as_uri()
    # outside every question
    named = await figure_name(client, {"uri": uri, "position": {"line": 0, "character": 0}, "extension": "jpeg"})
    assert named["names"] == ["figure-1.jpeg"]
    # an unsaved document has no folder
    untitled = session.open("untitled:Untitled-1", text)
    named = await figure_name(client, {"uri": untitled})
    assert "save the report first" in named["error"]
