"""One constant per rule code, for the code that compares findings' codes: a typo in a
constant fails at import, a typo in a string never matches.

A plain list kept equal to ``rules.RULES`` by ``tests/unit/test_codes.py``: a new rule adds its
line here (``NAME = "name"``, the code in capitals with ``_`` for ``-``) and to ``ALL``.
"""

from __future__ import annotations

WORD_COUNT = "word-count"
IMAGE_COUNT = "image-count"
IMAGE_NOT_COUNTED = "image-not-counted"
IMAGE_LINK_UNRENDERED = "image-link-unrendered"
IMAGE_MISSING_FILE = "image-missing-file"
IMAGE_PATH_CASE = "image-path-case"
IMAGE_OUTSIDE_FIGURES = "image-outside-figures"
IMAGE_BAD_EXTENSION = "image-bad-extension"
PLACEHOLDER_LEFT = "placeholder-left"
ANSWER_WRAPPED = "answer-wrapped"
UNANSWERED = "unanswered"
ANSWER_IN_QUOTE = "answer-in-quote"
ANSWER_TRUNCATED = "answer-truncated"
ANSWER_LABEL_EXTRA = "answer-label-extra"
TRAILING_CONTENT = "trailing-content"
CHECKER_CRASH = "checker-crash"
CHECKER_DIFFERS = "checker-differs"
TEMPLATE_OUTDATED = "template-outdated"
QUESTION_MISSING = "question-missing"
QUESTION_DUPLICATE = "question-duplicate"
QUESTION_ORDER = "question-order"
INSTRUCTIONS_EDITED = "instructions-edited"
GROUP_NUMBER = "group-number"
STUDY_NUMBER = "study-number"
CHECKBOX_MARK = "checkbox-mark"
HTML_RENDER = "html-render"
IMAGE_TOO_LARGE = "image-too-large"
IMAGE_NAME_UNSAFE = "image-name-unsafe"
CHECKLIST_NO_EVIDENCE = "checklist-no-evidence"
CHECKLIST_UNTICKED_EVIDENCE = "checklist-unticked-evidence"
IMAGE_UNCOMMITTED = "image-uncommitted"
REPORT_UNCOMMITTED = "report-uncommitted"
REPORT_UNPUSHED = "report-unpushed"
REPORT_OTHER_BRANCH = "report-other-branch"

ALL = (
    WORD_COUNT,
    IMAGE_COUNT,
    IMAGE_NOT_COUNTED,
    IMAGE_LINK_UNRENDERED,
    IMAGE_MISSING_FILE,
    IMAGE_PATH_CASE,
    IMAGE_OUTSIDE_FIGURES,
    IMAGE_BAD_EXTENSION,
    PLACEHOLDER_LEFT,
    ANSWER_WRAPPED,
    UNANSWERED,
    ANSWER_IN_QUOTE,
    ANSWER_TRUNCATED,
    ANSWER_LABEL_EXTRA,
    TRAILING_CONTENT,
    CHECKER_CRASH,
    CHECKER_DIFFERS,
    TEMPLATE_OUTDATED,
    QUESTION_MISSING,
    QUESTION_DUPLICATE,
    QUESTION_ORDER,
    INSTRUCTIONS_EDITED,
    GROUP_NUMBER,
    STUDY_NUMBER,
    CHECKBOX_MARK,
    HTML_RENDER,
    IMAGE_TOO_LARGE,
    IMAGE_NAME_UNSAFE,
    CHECKLIST_NO_EVIDENCE,
    CHECKLIST_UNTICKED_EVIDENCE,
    IMAGE_UNCOMMITTED,
    REPORT_UNCOMMITTED,
    REPORT_UNPUSHED,
    REPORT_OTHER_BRANCH,
)
