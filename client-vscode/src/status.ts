// The status bar item: how many questions of the active report the course's checker would fail
// and how many pass, fed by the server's `mlopsReport/status` notification.
import * as vscode from "vscode";

export const STATUS_NOTIFICATION = "mlopsReport/status";

export interface SectionStatus {
  title: string;
  answered: number;
  passing: number;
  total: number;
}

/** The verdict of a report: as committed on the upstream, or in the working copy. */
export interface Verdict {
  ref?: string | null;
  commit?: string;
  summary?: string;
  passing?: number;
  total?: number;
  errors?: number;
  reason?: string;
}

/** What the course will see: the deadline, what is not yet committed or pushed, the pushed verdict. */
export interface HandinStatus {
  deadline?: string | null;
  deadlineMs?: number | null;
  phase?: string | null;
  pending?: string[];
  pushed?: Verdict | null;
}

/** The answer of the server command `mlopsReport.checkPushed`. */
export interface PushedCheck {
  working?: Verdict;
  pushed?: Verdict | null;
  reason?: string | null;
}

export interface ReportStatus {
  uri: string;
  edition?: string;
  editionLabel?: string;
  answered: number;
  passing: number;
  failing?: number;
  total: number;
  errors: number;
  warnings: number;
  checkerCrashes?: number | boolean;
  sections?: SectionStatus[];
  handin?: HandinStatus | null;
}

/** Normalises a uri the way VS Code prints it, so server and editor uris compare equal. */
function key(uri: string | vscode.Uri): string {
  return (typeof uri === "string" ? vscode.Uri.parse(uri) : uri).toString();
}

/** The answers the course's checker would fail (a server that does not say: the ones not passing). */
export function failingCount(status: ReportStatus): number {
  return typeof status.failing === "number" ? status.failing : Math.max(0, status.total - status.passing);
}

/**
 * What the course's checker will say comes first: `$(x) 14 failing · 17/31`, `$(error) checker
 * crashes`, and a check mark only when every question passes and nothing is at error level.
 */
export function statusText(status: ReportStatus, now: number = Date.now()): string {
  const failing = failingCount(status);
  let text: string;
  if (status.checkerCrashes) text = "$(error) checker crashes";
  else if (failing > 0) text = `$(x) ${failing} failing · ${status.passing}/${status.total}`;
  else text = `${status.errors > 0 ? "$(error)" : "$(check)"} ${status.passing}/${status.total}`;
  if (status.errors > 0) text += ` · ${status.errors} $(error)`;
  if (status.warnings > 0) text += ` · ${status.warnings} $(warning)`;
  const left = countdown(status.handin, now);
  if (left) text += ` · $(clock) ${left}`;
  return text;
}

function statusLabel(status: ReportStatus): string {
  const counts = `${status.errors} ${status.errors === 1 ? "error" : "errors"}, ${status.warnings} ${status.warnings === 1 ? "warning" : "warnings"}`;
  if (status.checkerCrashes) return `MLOps report: the course's checker crashes on this report, ${counts}`;
  const failing = failingCount(status);
  const fails = failing > 0 ? `${failing} ${failing === 1 ? "question fails" : "questions fail"}, ` : "";
  return `MLOps report: ${fails}${status.passing} of ${status.total} questions pass, ${counts}`;
}

const HOUR = 3600 * 1000;

/** The time left before the deadline, in its last 48 hours ("5h 12m left", plus what is not
 * yet pushed); undefined before and after. */
export function countdown(handin: HandinStatus | null | undefined, now: number = Date.now()): string | undefined {
  const deadline = handin?.deadlineMs;
  if (typeof deadline !== "number") return undefined;
  const left = deadline - now;
  if (left <= 0 || left > 48 * HOUR) return undefined;
  const hours = Math.floor(left / HOUR);
  const minutes = Math.floor((left % HOUR) / 60000);
  const pending = Array.isArray(handin?.pending) && handin.pending.length > 0 ? `: ${handin.pending.join(", ")}` : "";
  return `${hours}h ${String(minutes).padStart(2, "0")}m left${pending}`;
}

function verdictLine(verdict: Verdict | null | undefined): string {
  if (!verdict) return "not known";
  if (!verdict.summary) return verdict.reason ?? "not known";
  const at = verdict.ref ? `${verdict.ref}${verdict.commit ? ` (${verdict.commit.slice(0, 7)})` : ""}: ` : "";
  return `${at}${verdict.summary}`;
}

/** The message of "Check the Pushed Version". */
export function pushedMessage(result: PushedCheck | null | undefined): string {
  if (!result) return "MLOps Report: open a report (reports/README.md) to check its pushed version.";
  const pushed = result.pushed ? verdictLine(result.pushed) : (result.reason ?? "not known");
  return `MLOps Report · pushed ${pushed} · working copy: ${verdictLine(result.working)}`;
}

export function statusTooltip(status: ReportStatus): vscode.MarkdownString {
  const tip = new vscode.MarkdownString(undefined, true);
  const edition = status.editionLabel ?? status.edition;
  tip.appendMarkdown(`**MLOps report**${edition ? ` · edition ${escape(edition)}` : ""}\n\n`);
  tip.appendMarkdown(
    `${status.answered}/${status.total} answered · ${status.passing}/${status.total} within the limits\n\n`,
  );
  tip.appendMarkdown(`${status.errors} $(error) errors · ${status.warnings} $(warning) warnings\n\n`);
  if (status.checkerCrashes) {
    tip.appendMarkdown("$(flame) The official checker would crash on this report.\n\n");
  }
  const handin = status.handin;
  if (handin) {
    const left = countdown(handin);
    if (handin.deadline) {
      tip.appendMarkdown(`$(clock) Deadline ${escape(handin.deadline)}${left ? ` · ${escape(left)}` : ""}\n\n`);
    }
    if (handin.pushed) tip.appendMarkdown(`$(cloud-upload) Pushed ${escape(verdictLine(handin.pushed))}\n\n`);
    if (!left && Array.isArray(handin.pending) && handin.pending.length > 0) {
      tip.appendMarkdown(`Not yet graded: ${escape(handin.pending.join(", "))}\n\n`);
    }
  }
  const sections = Array.isArray(status.sections) ? status.sections : [];
  if (sections.length > 0) {
    tip.appendMarkdown("| Section | Answered | Passing |\n|:--|--:|--:|\n");
    for (const section of sections) {
      tip.appendMarkdown(
        `| ${escape(section.title)} | ${section.answered}/${section.total} | ${section.passing}/${section.total} |\n`,
      );
    }
    tip.appendMarkdown("\n");
  }
  tip.appendMarkdown("Click to open the Problems panel.");
  return tip;
}

function escape(text: string): string {
  return String(text).replace(/[\\`*_{}[\]()#+\-.!|<>]/g, "\\$&");
}

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly byUri = new Map<string, ReportStatus>();
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Ticks once a minute while a countdown shows. */
  private ticker: ReturnType<typeof setInterval> | undefined;

  constructor() {
    this.item = vscode.window.createStatusBarItem("mlopsReport.status", vscode.StatusBarAlignment.Left, 50);
    this.item.name = "MLOps Report";
    this.item.command = "workbench.actions.view.problems";
    this.subscriptions.push(
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => this.refresh()),
      vscode.workspace.onDidCloseTextDocument((document) => {
        this.byUri.delete(key(document.uri));
        this.refresh();
      }),
    );
  }

  update(status: ReportStatus): void {
    if (!status || typeof status.uri !== "string") return;
    this.byUri.set(key(status.uri), status);
    this.refresh();
  }

  /** Forgets every status, e.g. when the server stops. */
  clear(): void {
    this.byUri.clear();
    this.refresh();
  }

  private refresh(): void {
    const document = vscode.window.activeTextEditor?.document;
    const status = document ? this.byUri.get(key(document.uri)) : undefined;
    if (!status || !(status.total > 0)) {
      this.item.hide();
      this.tick(false);
      return;
    }
    const broken = status.errors > 0 || Boolean(status.checkerCrashes);
    this.item.text = statusText(status);
    this.item.tooltip = statusTooltip(status);
    this.item.backgroundColor = broken ? new vscode.ThemeColor("statusBarItem.errorBackground") : undefined;
    this.item.accessibilityInformation = { label: statusLabel(status) };
    this.item.show();
    this.tick(Boolean(countdown(status.handin)));
  }

  private tick(counting: boolean): void {
    if (counting && !this.ticker) this.ticker = setInterval(() => this.refresh(), 60 * 1000);
    if (!counting && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  dispose(): void {
    this.tick(false);
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
