// The status bar item: how many questions of the active report pass, fed by the server's
// `mlopsReport/status` notification.
import * as vscode from "vscode";

export const STATUS_NOTIFICATION = "mlopsReport/status";

export interface SectionStatus {
  title: string;
  answered: number;
  passing: number;
  total: number;
}

export interface ReportStatus {
  uri: string;
  edition?: string;
  editionLabel?: string;
  answered: number;
  passing: number;
  total: number;
  errors: number;
  warnings: number;
  checkerCrashes?: number | boolean;
  sections?: SectionStatus[];
}

/** Normalises a uri the way VS Code prints it, so server and editor uris compare equal. */
function key(uri: string | vscode.Uri): string {
  return (typeof uri === "string" ? vscode.Uri.parse(uri) : uri).toString();
}

export function statusText(status: ReportStatus): string {
  const broken = status.errors > 0 || Boolean(status.checkerCrashes);
  let text = `${broken ? "$(error)" : "$(check)"} ${status.passing}/${status.total}`;
  if (status.errors > 0) text += ` · ${status.errors} $(error)`;
  if (status.warnings > 0) text += ` · ${status.warnings} $(warning)`;
  return text;
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
      return;
    }
    const broken = status.errors > 0 || Boolean(status.checkerCrashes);
    this.item.text = statusText(status);
    this.item.tooltip = statusTooltip(status);
    this.item.backgroundColor = broken ? new vscode.ThemeColor("statusBarItem.errorBackground") : undefined;
    this.item.accessibilityInformation = {
      label: `MLOps report: ${status.passing} of ${status.total} questions pass, ${status.errors} errors, ${status.warnings} warnings`,
    };
    this.item.show();
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
