// The report at a glance: a tree view in the Explorer (sections, questions with their verdict,
// failing ones first, the checklist per week), "Next/Previous Failing Question", and a second
// status bar item with the budget of the question under the cursor. All fed by the server's
// `mlopsReport/outline` (pushed after each analysis to a client that asks for it); nothing is
// counted here.
import * as vscode from "vscode";
import type { LanguageClient, StaticFeature } from "vscode-languageclient/node";

export const OUTLINE_METHOD = "mlopsReport/outline";
export const OUTLINE_VIEW = "mlopsReport.outline";
const IS_REPORT = "mlopsReport.isReport";

export interface OutlineQuestion {
  number: number;
  section: string;
  line: number;
  endLine: number;
  status: "pass" | "fail" | "unanswered" | "crash";
  words: number;
  checkerWords: number | null;
  images: number;
  checkerImages: number | null;
  limits: { words: [number, number] | null; images: [number, number] | null };
  summary: string;
  figures: { target: string; line: number }[];
  problems: { errors: number; warnings: number };
}

export interface OutlineItem {
  text: string;
  line: number;
  ticked: boolean;
  found: string | null;
  hint: string | null;
}

export interface OutlineGroup {
  title: string;
  line: number | null;
  ticked: number;
  total: number;
  items: OutlineItem[];
}

export interface Outline {
  uri: string;
  isReport: boolean;
  passing: number;
  failing: number;
  total: number;
  questions: OutlineQuestion[];
  sections: { title: string; line: number | null; questions: number[] }[];
  checklist: { title: string; line: number | null; ticked: number; total: number; groups: OutlineGroup[] } | null;
}

function key(uri: string | vscode.Uri): string {
  return (typeof uri === "string" ? vscode.Uri.parse(uri) : uri).toString();
}

/** Asks the server to push outlines (the client capability `experimental.mlopsReportOutline`). */
export class OutlineFeature implements StaticFeature {
  fillClientCapabilities(capabilities: { experimental?: unknown }): void {
    const experimental = (capabilities.experimental ?? {}) as Record<string, unknown>;
    capabilities.experimental = { ...experimental, mlopsReportOutline: true };
  }
  initialize(): void {}
  getState() {
    return { kind: "static" as const };
  }
  clear(): void {}
}

/** The budget text: `Q7 · 38 of 50–100 · 12 to go`. */
export function budgetText(q: OutlineQuestion): string {
  const words = q.checkerWords ?? q.words;
  const limits = q.limits.words;
  let text = `Q${q.number} · `;
  if (!limits) text += `${words} words`;
  else {
    const [lo, hi] = limits;
    text += `${words} of ${lo === hi ? lo : `${lo}–${hi}`}`;
    if (words < lo) text += ` · ${lo - words} to go`;
    else if (words > hi) text += ` · ${words - hi} over`;
    else text += " ✓";
  }
  const images = q.limits.images;
  if (images) {
    const n = q.checkerImages ?? q.images;
    text += ` · ${n} of ${images[0] === images[1] ? images[0] : `${images[0]}–${images[1]}`} figures`;
  }
  return text;
}

type Node =
  | { kind: "failing"; uri: string; questions: OutlineQuestion[] }
  | { kind: "section"; uri: string; title: string; line: number | null; questions: OutlineQuestion[] }
  | { kind: "question"; uri: string; question: OutlineQuestion; parent: string }
  | { kind: "figure"; uri: string; target: string; line: number; parent: string }
  | { kind: "checklist"; uri: string; outline: NonNullable<Outline["checklist"]> }
  | { kind: "group"; uri: string; group: OutlineGroup }
  | { kind: "item"; uri: string; item: OutlineItem };

const STATUS_ICON: Record<OutlineQuestion["status"], vscode.ThemeIcon> = {
  pass: new vscode.ThemeIcon("pass", new vscode.ThemeColor("testing.iconPassed")),
  fail: new vscode.ThemeIcon("error", new vscode.ThemeColor("problemsErrorIcon.foreground")),
  unanswered: new vscode.ThemeIcon("circle-large-outline", new vscode.ThemeColor("problemsWarningIcon.foreground")),
  crash: new vscode.ThemeIcon("flame", new vscode.ThemeColor("problemsErrorIcon.foreground")),
};

const STATUS_WORD: Record<OutlineQuestion["status"], string> = {
  pass: "passes",
  fail: "fails",
  unanswered: "is not answered",
  crash: "is not judged: the checker crashes",
};

function failing(outline: Outline): OutlineQuestion[] {
  return outline.questions.filter((q) => q.status !== "pass");
}

export class ReportOutline implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly byUri = new Map<string, Outline>();
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly budget: vscode.StatusBarItem;
  private readonly subscriptions: vscode.Disposable[] = [];
  private view: vscode.TreeView<Node> | undefined;

  constructor(private readonly client: () => LanguageClient | undefined) {
    this.budget = vscode.window.createStatusBarItem("mlopsReport.budget", vscode.StatusBarAlignment.Left, 49);
    this.budget.name = "MLOps Report: question budget";
    this.budget.command = "mlopsReport.nextFailingQuestion";
    this.view = vscode.window.createTreeView(OUTLINE_VIEW, { treeDataProvider: this, showCollapseAll: true });
    this.subscriptions.push(
      this.budget,
      this.view,
      this.changed,
      vscode.window.onDidChangeActiveTextEditor(() => this.activeChanged()),
      vscode.window.onDidChangeTextEditorSelection((event) => {
        if (event.textEditor === vscode.window.activeTextEditor) this.showBudget();
      }),
      vscode.workspace.onDidCloseTextDocument((document) => this.byUri.delete(key(document.uri))),
      vscode.commands.registerCommand("mlopsReport.nextFailingQuestion", () => this.jump(1)),
      vscode.commands.registerCommand("mlopsReport.previousFailingQuestion", () => this.jump(-1)),
      vscode.commands.registerCommand("mlopsReport.revealLine", (uri: string, line: number) => reveal(uri, line)),
    );
    this.activeChanged();
  }

  /** An outline pushed by the server. */
  update(outline: Outline): void {
    if (!outline || typeof outline.uri !== "string") return;
    if (outline.isReport) this.byUri.set(key(outline.uri), outline);
    else this.byUri.delete(key(outline.uri));
    if (this.active() && key(this.active()!.document.uri) === key(outline.uri)) this.activeChanged();
  }

  /** Forgets every outline, e.g. when the server stops. */
  clear(): void {
    this.byUri.clear();
    this.activeChanged();
  }

  private active(): vscode.TextEditor | undefined {
    const editor = vscode.window.activeTextEditor;
    return editor && editor.document.languageId === "markdown" ? editor : undefined;
  }

  /** The outline of the active report (the last report shown when the focus is elsewhere). */
  private shown: string | undefined;
  current(): Outline | undefined {
    const editor = this.active();
    if (editor) this.shown = key(editor.document.uri);
    return this.shown ? this.byUri.get(this.shown) : undefined;
  }

  isReport(uri: vscode.Uri): boolean {
    return this.byUri.get(key(uri))?.isReport === true;
  }

  private activeChanged(): void {
    const editor = this.active();
    if (editor && !this.byUri.has(key(editor.document.uri))) void this.ask(editor.document.uri);
    const outline = this.current();
    void vscode.commands.executeCommand("setContext", IS_REPORT, Boolean(editor && this.byUri.has(key(editor.document.uri))));
    if (this.view) {
      this.view.description = outline ? `${outline.passing}/${outline.total} pass` : undefined;
      this.view.message = outline ? undefined : "Open a report (reports/README.md) to see its questions.";
    }
    this.changed.fire(undefined);
    this.showBudget();
  }

  /** Asks for the outline of a document the server has not pushed one for yet. */
  private async ask(uri: vscode.Uri): Promise<void> {
    const client = this.client();
    if (!client) return;
    try {
      const outline = await client.sendRequest<Outline | null>(OUTLINE_METHOD, { textDocument: { uri: uri.toString() } });
      if (outline && outline.isReport && !this.byUri.has(key(uri))) this.update(outline);
    } catch {
      // the server is starting or stopping: its next push brings the outline
    }
  }

  private questionAt(outline: Outline, line: number): OutlineQuestion | undefined {
    return outline.questions.find((q) => q.line <= line && line <= q.endLine);
  }

  private showBudget(): void {
    const editor = this.active();
    const outline = editor ? this.byUri.get(key(editor.document.uri)) : undefined;
    const q = outline && editor ? this.questionAt(outline, editor.selection.active.line) : undefined;
    if (!q) {
      this.budget.hide();
      return;
    }
    this.budget.text = budgetText(q);
    this.budget.tooltip = `Question ${q.number} ${STATUS_WORD[q.status]}: ${q.summary}. Click for the next failing question.`;
    this.budget.accessibilityInformation = { label: `Question ${q.number}: ${budgetText(q)}` };
    this.budget.show();
  }

  /** Moves the cursor to the next (1) or previous (-1) failing question, wrapping around. */
  private async jump(direction: 1 | -1): Promise<void> {
    const editor = this.active();
    const outline = editor ? this.byUri.get(key(editor.document.uri)) : undefined;
    if (!editor || !outline) {
      void vscode.window.showInformationMessage("MLOps Report: open your report (reports/README.md) first.");
      return;
    }
    const list = failing(outline).sort((a, b) => a.line - b.line);
    if (list.length === 0) {
      void vscode.window.showInformationMessage("MLOps Report: every question passes the checker.");
      return;
    }
    const line = editor.selection.active.line;
    const here = this.questionAt(outline, line)?.line ?? line;
    const target =
      direction > 0
        ? list.find((q) => q.line > line) ?? list[0]
        : [...list].reverse().find((q) => q.line < here) ?? list[list.length - 1];
    await reveal(outline.uri, target.line, editor);
  }

  // -- the tree -----------------------------------------------------------------------------

  getChildren(node?: Node): Node[] {
    const outline = this.current();
    if (!outline) return [];
    const uri = outline.uri;
    const byNumber = new Map(outline.questions.map((q) => [q.number, q]));
    if (!node) {
      const roots: Node[] = [];
      const bad = failing(outline);
      if (bad.length) roots.push({ kind: "failing", uri, questions: bad });
      for (const section of outline.sections) {
        const questions = section.questions.map((n) => byNumber.get(n)).filter((q): q is OutlineQuestion => !!q);
        roots.push({ kind: "section", uri, title: section.title, line: section.line, questions });
      }
      if (outline.checklist) roots.push({ kind: "checklist", uri, outline: outline.checklist });
      return roots;
    }
    switch (node.kind) {
      case "failing":
        return node.questions.map((question) => ({ kind: "question", uri, question, parent: "failing" }));
      case "section":
        return node.questions.map((question) => ({ kind: "question", uri, question, parent: node.title }));
      case "question":
        return node.question.figures.map((f) => ({ kind: "figure", uri, target: f.target, line: f.line, parent: node.parent }));
      case "checklist":
        return node.outline.groups.map((group) => ({ kind: "group", uri, group }));
      case "group":
        return node.group.items.map((item) => ({ kind: "item", uri, item }));
      default:
        return [];
    }
  }

  getTreeItem(node: Node): vscode.TreeItem {
    const C = vscode.TreeItemCollapsibleState;
    const open = (line: number | null): vscode.Command | undefined =>
      line === null ? undefined : { command: "mlopsReport.revealLine", title: "Reveal", arguments: [node.uri, line] };
    switch (node.kind) {
      case "failing": {
        const item = new vscode.TreeItem(`Failing · ${node.questions.length}`, C.Expanded);
        item.id = `${node.uri}#failing`;
        item.iconPath = new vscode.ThemeIcon("error", new vscode.ThemeColor("problemsErrorIcon.foreground"));
        item.tooltip = "The questions the course's checker would not pass";
        return item;
      }
      case "section": {
        const passing = node.questions.filter((q) => q.status === "pass").length;
        const item = new vscode.TreeItem(node.title || "(no section)", C.Collapsed);
        item.id = `${node.uri}#section:${node.title}`;
        item.description = `${passing}/${node.questions.length}`;
        item.iconPath = new vscode.ThemeIcon(passing === node.questions.length ? "check-all" : "list-unordered");
        item.command = open(node.line);
        return item;
      }
      case "question": {
        const q = node.question;
        const item = new vscode.TreeItem(`Question ${q.number}`, q.figures.length ? C.Collapsed : C.None);
        item.id = `${node.uri}#${node.parent}:q${q.number}`;
        item.description = q.summary;
        item.iconPath = STATUS_ICON[q.status] ?? STATUS_ICON.fail;
        const problems = q.problems.errors + q.problems.warnings;
        item.tooltip = `Question ${q.number} ${STATUS_WORD[q.status]} · ${q.summary}` +
          (problems ? ` · ${problems} ${problems === 1 ? "problem" : "problems"}` : "");
        item.accessibilityInformation = { label: `Question ${q.number} ${STATUS_WORD[q.status]}, ${q.summary}` };
        item.contextValue = `question.${q.status}`;
        item.command = open(q.line);
        return item;
      }
      case "figure": {
        const item = new vscode.TreeItem(node.target, C.None);
        item.iconPath = new vscode.ThemeIcon("file-media");
        item.command = open(node.line);
        return item;
      }
      case "checklist": {
        const item = new vscode.TreeItem(node.outline.title, C.Collapsed);
        item.id = `${node.uri}#checklist`;
        item.description = `${node.outline.ticked}/${node.outline.total} ticked`;
        item.iconPath = new vscode.ThemeIcon("checklist");
        item.command = open(node.outline.line);
        return item;
      }
      case "group": {
        const item = new vscode.TreeItem(node.group.title, C.Collapsed);
        item.id = `${node.uri}#group:${node.group.title}`;
        item.description = `${node.group.ticked}/${node.group.total}`;
        item.command = open(node.group.line);
        return item;
      }
      case "item": {
        const it = node.item;
        const item = new vscode.TreeItem(it.text, C.None);
        item.iconPath = new vscode.ThemeIcon(it.ticked ? "pass-filled" : "circle-large-outline");
        if (it.hint === "checklist-no-evidence") item.description = "no sign in the repository";
        else if (it.hint === "checklist-unticked-evidence") item.description = "done? found in the repository";
        item.tooltip = it.found ? `Found: ${it.found}` : it.text;
        item.command = open(it.line);
        return item;
      }
    }
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}

async function reveal(uri: string, line: number, editor?: vscode.TextEditor): Promise<void> {
  const target =
    editor && key(editor.document.uri) === key(uri)
      ? editor
      : await vscode.window.showTextDocument(vscode.Uri.parse(uri), { preserveFocus: false });
  const position = new vscode.Position(line, 0);
  target.selection = new vscode.Selection(position, position);
  target.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  await vscode.window.showTextDocument(target.document, { viewColumn: target.viewColumn, preserveFocus: false });
}
