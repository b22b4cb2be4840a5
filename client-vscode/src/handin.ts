// "MLOps Report: Preview Hand-in": the report as the course's `report.py html` renders it, with
// every difference from GitHub marked in a margin, in a webview beside the editor. A thin view:
// the page, its Content-Security-Policy and its margin come from the server
// (`mlopsReport/handinPage`); this file only asks for it as the group types, scrolls it to the
// question under the cursor and reveals the line a marker points at.
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";

export const HANDIN_REQUEST = "mlopsReport/handinPage";
export const HANDIN_VIEW = "mlopsReport.handin";
const DEBOUNCE_MS = 300;

interface HandinPage {
  uri: string;
  html: string | null;
  error: string | null;
}

export class HandinPreview implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private document: vscode.TextDocument | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private asked = 0; // the latest request; older answers are dropped
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly client: () => LanguageClient | undefined,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document === this.document) this.schedule(DEBOUNCE_MS);
      }),
      vscode.window.onDidChangeTextEditorSelection((event) => {
        if (event.textEditor.document === this.document) {
          void this.panel?.webview.postMessage({ type: "scroll", line: event.selections[0].active.line });
        }
      }),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (this.panel && editor && editor.document.languageId === "markdown" && editor.document !== this.document) {
          this.follow(editor.document);
        }
      }),
    );
  }

  /** Opens the preview of `uri` (the editor title button passes it) or of the active editor. */
  async show(uri?: vscode.Uri): Promise<void> {
    const document = uri
      ? await vscode.workspace.openTextDocument(uri)
      : vscode.window.activeTextEditor?.document;
    if (!document || document.languageId !== "markdown") {
      void vscode.window.showInformationMessage("MLOps Report: open your report (reports/README.md) first.");
      return;
    }
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(
        HANDIN_VIEW,
        "Hand-in",
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { enableScripts: true, enableFindWidget: true, localResourceRoots: [folderOf(document.uri)] },
      );
      this.panel.onDidDispose(() => {
        this.panel = undefined;
        this.document = undefined;
      });
      this.panel.webview.onDidReceiveMessage((message) => void this.reveal(message));
    } else {
      this.panel.reveal(undefined, true);
    }
    this.follow(document);
  }

  private follow(document: vscode.TextDocument): void {
    if (!this.panel) return;
    this.document = document;
    this.panel.title = `Hand-in: ${document.uri.path.split("/").slice(-2).join("/")}`;
    // images load only from the report's folder: what the course scrapes
    this.panel.webview.options = { enableScripts: true, localResourceRoots: [folderOf(document.uri)] };
    this.schedule(0);
  }

  private schedule(delay: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.render(), delay);
  }

  private async render(): Promise<void> {
    const panel = this.panel;
    const document = this.document;
    const client = this.client();
    if (!panel || !document) return;
    if (!client) {
      panel.webview.html = message("The MLOps Report server is not running; see MLOps Report: Show Log.");
      return;
    }
    const asked = ++this.asked;
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === document);
    try {
      const page = await client.sendRequest<HandinPage | null>(HANDIN_REQUEST, {
        textDocument: { uri: document.uri.toString() },
        cspSource: panel.webview.cspSource,
        base: panel.webview.asWebviewUri(folderOf(document.uri)).toString() + "/",
        line: editor?.selection.active.line ?? null,
      });
      if (asked !== this.asked || panel !== this.panel) return;
      panel.webview.html = page?.html ?? message("The server sent no page for this document.");
      if (page?.error) this.log.info(`hand-in page: ${page.error}`);
    } catch (error) {
      this.log.warn(`${HANDIN_REQUEST} failed: ${String(error)}`);
    }
  }

  /** A marker was clicked: show its line in the editor. */
  private async reveal(message: { type?: string; line?: unknown }): Promise<void> {
    if (message?.type !== "reveal" || typeof message.line !== "number" || !this.document) return;
    const position = new vscode.Position(Math.max(0, Math.floor(message.line)), 0);
    const visible = vscode.window.visibleTextEditors.find((e) => e.document === this.document);
    const editor = await vscode.window.showTextDocument(this.document, {
      viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One,
      selection: new vscode.Range(position, position),
    });
    editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenter);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.panel?.dispose();
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}

function folderOf(uri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(uri, "..");
}

function message(text: string): string {
  const escaped = text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] ?? c);
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'"></head><body><p>${escaped}</p></body></html>`;
}
