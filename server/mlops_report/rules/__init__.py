"""Every finding the engine can report: its code, default severity and documentation.

A rule's documentation lives here beside its code and is what ``docs/rules.md`` is generated
from (``python -m mlops_report.rules.docs``).
"""

from __future__ import annotations

from typing import NamedTuple


class Rule(NamedTuple):
    code: str
    severity: str
    scope: str  # "question" or "document"
    summary: str
    why: str
    example: str
    fix: str


_RULES = [
    Rule(
        "word-count",
        "warning",
        "question",
        "The answer has fewer or more words than its question allows, counted the way the official checker counts them.",
        "The course's `report.py check` splits the answer at white space and counts every piece: markdown marks, code, "
        "URLs and the placeholder included. Its count is the one the teachers see; the message also gives the answer's "
        "own count when the two differ.",
        "A question that allows 100-200 words and an answer of 98 pieces of text.",
        "Write or cut the number of words the message names; when the placeholder or the `---` dashes are still "
        "counted, it also says how many once they are removed. Hover the question heading to see both counts live.",
    ),
    Rule(
        "image-count",
        "warning",
        "question",
        "The answer has fewer or more figures than its question asks for, as the official checker counts them.",
        "The checker counts only `![alt](path)` written on one line. A question asking for 1-3 screenshots fails with 0.",
        "Question 14 asks for 1 to 3 screenshots and the answer has none.",
        "Insert a figure: the quick fix offers every image under `figures/` that the report does not link yet.",
    ),
    Rule(
        "image-not-counted",
        "warning",
        "question",
        "A figure written as an HTML `<img>`, a reference-style image, an image split over lines, or a plain link "
        "to an image file: it may render, but the official checker does not count it.",
        "GitHub's drag-and-drop inserts `<img>` tags; the checker then reports 0 screenshots.",
        '`<img width="600" src="figures/loss.png">`',
        "Rewrite it as `![alt](figures/loss.png)` (one click).",
    ),
    Rule(
        "image-link-unrendered",
        "warning",
        "question",
        "The checker counts a figure that Markdown does not show as an image: its path has a space, a "
        "backslash, or parentheses a link cannot hold.",
        "`report.py check` counts any `![...](...)` on one line, but GitHub and the editor's preview (CommonMark) "
        "show the text instead of the image when the path has a space, and a web page reads a backslash as part "
        "of the name, not as a folder. The question passes while the reader sees no figure.",
        "`![loss](figures/Screenshot 2026-01-10 at 12.00.png)` or `![loss](figures\\loss.png)`.",
        "Write the path with forward slashes and `%20` for each space (one click); the file is still found. "
        "A missing file is reported as well, as `image-missing-file`.",
    ),
    Rule(
        "image-missing-file",
        "error",
        "question",
        "A figure's path names no file in the report's folder.",
        "The handed-in report shows a broken image.",
        "`![loss](figures/loss.png)` while `figures/` holds no `loss.png`.",
        "Add the file under `reports/figures/` or correct the path.",
    ),
    Rule(
        "image-path-case",
        "error",
        "question",
        "A figure's path differs in upper/lower case from the file on disk.",
        "Windows and macOS ignore the case, so it looks right on the author's machine; the course builds the report "
        "on Linux, where the image is missing.",
        "`![loss](figures/Loss.PNG)` for the file `figures/loss.png`.",
        "Use the file's real name (one click).",
    ),
    Rule(
        "image-outside-figures",
        "warning",
        "question",
        "A figure's file is not under the report's `figures/` folder (or lies outside the reports folder, or is an "
        "absolute path or URL).",
        "Only the reports folder is collected for the hand-in, and the template asks for images in `reports/figures/`.",
        "`![arch](../docs/architecture.png)`",
        "Move the file into `figures/` and update the link (the quick fix never overwrites a file). Information "
        "when the file is in the reports folder (the hand-in page shows it) or on the web.",
    ),
    Rule(
        "image-bad-extension",
        "warning",
        "question",
        "A figure is not a `.png`, `.jpg` or `.jpeg` file.",
        "The template accepts only these three formats.",
        "`![pipeline](figures/pipeline.svg)`",
        "Export the figure as PNG or JPEG. Information only for formats a browser shows anyway (SVG, GIF, WebP, "
        "AVIF, BMP).",
    ),
    Rule(
        "placeholder-left",
        "warning",
        "question",
        "The answer has text and still holds the `--- question N fill here ---` placeholder.",
        "The checker never removes the placeholder: it adds 6 words to the count and shows in the hand-in.",
        "An answer followed by `--- question 7 fill here ---`.",
        "Remove the placeholder (one click). When the checker needs its 6 words to pass the question, the fix "
        'says what the question would drop to, is not preferred and "fix all" leaves it: write the words first.',
    ),
    Rule(
        "answer-wrapped",
        "warning",
        "question",
        "The answer is wrapped in the placeholder's dashes: `--- our answer ---`.",
        "The dashes are counted as two words and show in the hand-in.",
        "`--- 42 ---`",
        "Remove the dashes (one click). A warning only when the question's verdict depends on those 2 words; "
        'then the fix says what it costs and "fix all" leaves it.',
    ),
    Rule(
        "unanswered",
        "warning",
        "question",
        "The question has no answer yet (only the placeholder, or nothing). One finding says what the checker needs "
        "and what it sees; no separate `word-count` or `image-count`.",
        "The checker counts the placeholder as 6 words, so an empty answer to a question with a minimum of 0 even "
        "passes (then the finding is information); it is still unanswered.",
        "`--- question 12 fill here ---` alone under the instructions.",
        "Write the answer in place of the placeholder. For a question that asks for figures, the quick fix puts a "
        "figure from `figures/` in the placeholder's place.",
    ),
    Rule(
        "answer-in-quote",
        "warning",
        "question",
        "The answer was typed inside the instruction quote (on or right under the `> Answer:` line).",
        "It renders as part of the grey instruction block, and every `>` is counted as a word.",
        "`> Answer: We used ...`",
        "Move the text out of the quote, below the label (one click).",
    ),
    Rule(
        "answer-truncated",
        "warning",
        "question",
        "A `##` (a heading, a `## comment` in code, `##` in a URL) inside an answer that is not the last one.",
        "The official checker cuts the answer at the first `##`: everything after it is not counted.",
        "A `#### Results` sub-heading in the middle of a 150-word answer; the checker sees 40 words.",
        "Turn a heading into bold text (one click), start a code comment with a single `#` (one click), or write "
        "a link's `##` another way. Information when the checker passes the answer anyway.",
    ),
    Rule(
        "answer-label-extra",
        "warning",
        "question",
        "The literal text `Answer:` inside an answer.",
        "The checker splits the whole report at every `Answer:`: everything before this one in the answer is dropped.",
        "`Answer: yes, we did.` written at the start of a 150-word answer.",
        "Write the colon as the HTML entity `&#58;` (one click): the page looks the same and the checker no longer "
        "splits there. Or reword it. No such fix in code (an entity shows as typed there) nor on a `> Answer:` line "
        "of an instruction block: there the question's heading is missing (`question-missing`). Information when "
        "the checker passes the answer anyway.",
    ),
    Rule(
        "trailing-content",
        "warning",
        "question",
        "Text after the last question's answer, under a heading of its own.",
        "The checker counts everything up to the end of the file into the last answer.",
        "A `## References` section at the end of the report.",
        "Move the text into an answer, or remove it. Information when the last answer's verdict does not depend on "
        "those words.",
    ),
    Rule(
        "checker-crash",
        "error",
        "document",
        "The official `report.py check` will stop with an error instead of checking the report.",
        "It insists on exactly one answer per question of its edition. A deleted or renamed `### Question N` heading, "
        "a `###` in the last answer or a missing `Answer:` label changes the count, and the check reports nothing.",
        "`### Question 5` renamed to `## Question 5`.",
        "Restore the heading or label the message points at (one click for a heading written with `##`). A crash "
        "caused by a missing heading is told once, by `question-missing`.",
    ),
    Rule(
        "checker-differs",
        "information",
        "document",
        "The group's own `reports/report.py` would judge the report otherwise than the course's checker: other "
        "limits for some questions, another answer count, another cut of the first characters; or it cannot be "
        "read as a checker at all.",
        "The course does not grade with the copy a group committed. At the hand-in it runs the newest "
        "`report.py` of its repository's main branch (the final checker of the course run) on every report, so "
        "`python reports/report.py check` can pass a report the course fails, or the other way round. The copy is "
        "read as data (its constraint table, never run); when the report belongs to a run newer than our data, "
        "that copy is what judges it.",
        "A group of January 2026 kept the `report.py` of 2026-01-04: it asks 100-200 words for question 3, the "
        "January 2026 course checker asks 0-200.",
        "Nothing to change in the report: write to the course checker's limits (the ones shown). Copy the course's "
        "current `reports/report.py` to check with the same limits locally, or choose which checker judges with "
        "`--checker` or the `checker` setting.",
    ),
    Rule(
        "template-outdated",
        "information",
        "document",
        "The report was written on an older template of its course run than the newest one the course "
        "published for that run.",
        "The course updates the template during a run: a length, a question's wording, a checklist item. Every "
        "report of the run is graded by the run's final checker, which goes with the newest template, so a "
        "report on an older one may answer a question as it was asked before, state other lengths, or miss a "
        "new checklist item. The message names both templates and what the newer one asks otherwise.",
        "A report of January 2026 written on the template of 2026-01-04, where question 3 states 100-200 words; "
        "the newest template of the run (2026-01-09) states 0-200 words and has one more checklist item.",
        "Move the report onto the newest template: `mlops-report migrate reports/README.md --to TEMPLATE "
        "--in-place` (or *MLOps Report: Migrate to Template…* in VS Code) keeps every answer, figure and tick "
        "and prints what changed. The template is the course repository's `reports/README.md`.",
    ),
    Rule(
        "question-missing",
        "error",
        "document",
        "A question of the edition has no `### Question N` heading in the report.",
        "Its answer merges into the previous one, and the official check fails.",
        "`### Question 12` deleted together with its instructions.",
        "When only the heading went (its instructions and `> Answer:` now stand inside the previous answer), the "
        "finding sits where it belongs and one click puts `### Question N` back, which ends the checker's crash. "
        "When the whole question went, one click inserts its heading and label before the next question; restore "
        "its instructions from the template.",
    ),
    Rule(
        "question-duplicate",
        "error",
        "question",
        "Two questions carry the same number.",
        "The checker matches answers to limits by position, so every later answer is judged by the wrong limits.",
        "Two `### Question 9` headings.",
        "Renumber or merge them.",
    ),
    Rule(
        "question-order",
        "warning",
        "question",
        "A question stands out of numeric order.",
        "The checker judges answers by position, so a moved question gets another question's limits.",
        "`### Question 8` after `### Question 9`.",
        "Move the question back into place.",
    ),
    Rule(
        "instructions-edited",
        "warning",
        "question",
        "A question's instruction block (prompt, length line, example or `Answer:` label) differs from the template.",
        "The official limits still apply whatever the text says, and teachers expect the template's questions.",
        "The example removed, or `100-200 words` edited to `50-200 words`.",
        "Restore the original instructions (one click when the original is at hand in git history or a template file).",
    ),
    Rule(
        "group-number",
        "warning",
        "question",
        "Question 1 is not a group number.",
        "Teachers match reports to groups by this number.",
        "`--- question 1 fill here ---` or `our group`.",
        "Write the number you signed up with, for example `42`.",
    ),
    Rule(
        "study-number",
        "warning",
        "question",
        "An entry of question 2 is not a DTU study number (`s` followed by 6 digits).",
        "Teachers match each member to the report by study number.",
        "`s24, S2456789`",
        "Write each study number in full, for example `s123456` (one click for a capital S or a missing s).",
    ),
    Rule(
        "checkbox-mark",
        "warning",
        "document",
        "A checklist item marked with something other than `[ ]`, `[x]` or `[X]`.",
        "Markdown renders only these as check boxes, and the course reads the checklist by them.",
        "`* [✅] Create a git repository`",
        "Use `[x]`, or `[ ]` for empty brackets (one click).",
    ),
    Rule(
        "html-render",
        "information",
        "question",
        "A table or fenced code block: the course's `report.py html` (plain Markdown, no extensions) will not render "
        "it as the group sees it in its editor.",
        "The hand-in page shows a table as raw `|` text and a fenced block as inline code in a paragraph.",
        "A results table in question 13.",
        "Keep it if the editor view is what matters; otherwise use a list, or indent code by four spaces.",
    ),
]

# the files around the report (rules/figures_files.py, evidence.py)
_RULES += [
    Rule(
        "image-too-large",
        "warning",
        "question",
        "A figure's file is larger than the size limit: 500 KB by default, or the editor setting "
        "`mlopsReport.imageSizeLimit` (in kilobytes).",
        "pre-commit's `check-added-large-files` hook, which most project templates enable, refuses to commit a file "
        "above 500 KB (its default `--maxkb`): the commit with the figure fails, or the hook gets switched off to "
        "let it in. Large screenshots also make the repository slow to clone.",
        "A 2.4 MB screenshot `figures/cloud_build.png` taken on a high-resolution screen.",
        "Export the figure smaller: fewer pixels, or JPEG for photographs and screenshots with gradients. The hover "
        "on the figure shows its size and dimensions.",
    ),
    Rule(
        "image-name-unsafe",
        "warning",
        "question",
        "A figure's file name holds a space or another character that a link must encode (anything but letters, "
        "digits, `.`, `-` and `_`).",
        "`![x](figures/my shot.png)` is not an image to CommonMark (GitHub shows the text), and `%20` or `<...>` in "
        "the link is easy to get wrong by hand; plain names work everywhere.",
        "`figures/Screenshot 2026-01-12 at 10.41.png`",
        "Rename the file inside `figures/` to a safe name and update the link (one click; it never overwrites a "
        "file, and is offered when every link to the file is in that answer).",
    ),
    Rule(
        "checklist-no-evidence",
        "hint",
        "document",
        "A ticked checklist item of which the project's repository shows no sign (no file, import, dependency or "
        "workflow line the item's check looks for; see docs/evidence.md).",
        "The checklist is self-declared and the course says it will look at the repository; an item ticked "
        "without a trace there may be a mistake, or live somewhere the repository does not show (a cloud console).",
        "`Add a linting step to your continuous integration` ticked, and no workflow runs ruff, flake8, pylint, "
        "black or mypy.",
        "Nothing to change if the work is elsewhere; otherwise untick it or commit the work. Hover the item to see "
        "what was looked for. Only a hint: a heuristic, never an error.",
    ),
    Rule(
        "checklist-unticked-evidence",
        "hint",
        "document",
        "An unticked checklist item that the repository shows strong signs of (a Dockerfile for the container "
        "item, `.dvc` files for data versioning...).",
        "Work done but not ticked is work the checklist does not credit.",
        "`Construct one or multiple docker files for your code` not ticked, and `dockerfiles/train.dockerfile` exists.",
        "Tick the item (one click) if the work is yours; hover it to see what was found.",
    ),
]

from .handin import RULES as _HANDIN  # noqa: E402  (declared beside their checks)

_RULES += _HANDIN

RULES: dict[str, Rule] = {r.code: r for r in _RULES}
