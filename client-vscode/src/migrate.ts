// "Migrate to Template…": the report written on a newer template. The server does the work
// (`mlopsReport.migrate`, which never goes online); a template from the web is fetched here.
import * as vscode from "vscode";
import { ExecuteCommandRequest, LanguageClient, WorkspaceEdit } from "vscode-languageclient/node";

/** The server's command: [report URI, template path | { text, source }] -> { edit, changes }. */
export const SERVER_COMMAND = "mlopsReport.migrate";
const COURSE_REPOSITORY = "https://github.com/SkafteNicki/dtu_mlops";
const TEMPLATE_LIMIT = 2_000_000; // characters, as the server's own limit
const FETCH_SECONDS = 20;

interface Migrated {
  edit: WorkspaceEdit;
  changes: string[];
}

/** The address of the template file: a GitHub repository page names its reports/README.md, a
 * file page its raw text. */
export function templateUrl(url: string): string {
  const trimmed = url.trim();
  const blob = /^https?:\/\/(?:www\.)?github\.com\/([\w.-]+)\/([\w.-]+)\/blob\/(.+)$/.exec(trimmed);
  if (blob) return `https://raw.githubusercontent.com/${blob[1]}/${blob[2]}/${blob[3]}`;
  const repo = /^https?:\/\/(?:www\.)?github\.com\/([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?(?:tree\/([^?#]+?))?\/?$/.exec(trimmed);
  if (repo) return `https://raw.githubusercontent.com/${repo[1]}/${repo[2]}/${repo[3] ?? "HEAD"}/reports/README.md`;
  return trimmed;
}

async function fetchTemplate(url: string): Promise<{ text: string; source: string }> {
  const source = templateUrl(url);
  const answer = await fetch(source, { signal: AbortSignal.timeout(FETCH_SECONDS * 1000) });
  if (!answer.ok) throw new Error(`${source}: ${answer.status} ${answer.statusText}`);
  const text = await answer.text();
  if (text.length > TEMPLATE_LIMIT) throw new Error(`${source}: larger than a report template`);
  return { text, source };
}

type Choice = vscode.QuickPickItem & { how: "file" | "course" | "url" };

async function chooseTemplate(): Promise<string | { text: string; source: string } | undefined> {
  const choices: Choice[] = [
    { label: "$(file) A template file…", description: "e.g. a copy of the course's reports/README.md", how: "file" },
    { label: "$(globe) The course repository's template", description: COURSE_REPOSITORY, how: "course" },
    { label: "$(link) A URL…", description: "a repository or its reports/README.md on the web", how: "url" },
  ];
  const picked = await vscode.window.showQuickPick(choices, { placeHolder: "The newer template to move the report onto" });
  if (!picked) return undefined;
  if (picked.how === "file") {
    const files = await vscode.window.showOpenDialog({
      canSelectMany: false,
      openLabel: "Migrate to This Template",
      filters: { Markdown: ["md", "markdown"] },
    });
    return files?.[0]?.fsPath;
  }
  const url =
    picked.how === "course"
      ? COURSE_REPOSITORY
      : await vscode.window.showInputBox({
          prompt: "URL of the template, or of a GitHub repository with reports/README.md",
          placeHolder: COURSE_REPOSITORY,
          validateInput: (value) => (/^https?:\/\//.test(value.trim()) ? undefined : "an http(s) URL"),
        });
  if (!url) return undefined;
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `MLOps Report: fetching ${templateUrl(url)}` },
    () => fetchTemplate(url),
  );
}

export async function migrateToTemplate(client: LanguageClient | undefined, log: vscode.LogOutputChannel): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== "markdown") {
    void vscode.window.showInformationMessage("MLOps Report: open your report (reports/README.md) to migrate it.");
    return;
  }
  if (!client) {
    void vscode.window.showErrorMessage("MLOps Report: the checker's server is not running (see Show Log).");
    return;
  }
  const document = editor.document;
  let template;
  try {
    template = await chooseTemplate();
  } catch (error) {
    void vscode.window.showErrorMessage(`MLOps Report: the template could not be fetched: ${String(error)}`);
    return;
  }
  if (template === undefined) return;
  let result: Migrated;
  try {
    result = await client.sendRequest(ExecuteCommandRequest.type, {
      command: SERVER_COMMAND,
      arguments: [document.uri.toString(), template],
    });
  } catch (error) {
    void vscode.window.showErrorMessage(`MLOps Report: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  const edit = await client.protocol2CodeConverter.asWorkspaceEdit(result.edit);
  if (!(await vscode.workspace.applyEdit(edit))) {
    void vscode.window.showErrorMessage("MLOps Report: the report changed meanwhile; run the migration again.");
    return;
  }
  const from = typeof template === "string" ? template : template.source;
  log.info(`Migrated ${document.uri.fsPath} onto ${from}:\n  ${result.changes.join("\n  ")}`);
  const shown = result.changes.slice(0, 3).join("; ");
  const more = result.changes.length > 3 ? ` (and ${result.changes.length - 3} more in the log)` : "";
  const choice = await vscode.window.showInformationMessage(
    `MLOps Report: the report is on the template now (not saved yet). ${shown}${more}`,
    "Show All Changes",
  );
  if (choice === "Show All Changes") log.show();
}
