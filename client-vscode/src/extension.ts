// MLOps Report for VS Code: a thin client. All checking happens in the bundled Python server;
// this file finds a Python, starts the server and shows what it reports.
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { createClient, TRUST_NOTIFICATION } from "./client";
import { insertFigure } from "./figures";
import { HandinPreview } from "./handin";
import { findInterpreter, NoInterpreterError, pythonExtensionApi } from "./interpreter";
import { migrateToTemplate } from "./migrate";
import { PushedCheck, pushedMessage, ReportStatus, STATUS_NOTIFICATION, StatusBar } from "./status";
import { Outline, OUTLINE_METHOD, OutlineFeature, ReportOutline } from "./outline";
import { FigurePipeline, registerFigurePipeline } from "./paste";

let client: LanguageClient | undefined;
let log: vscode.LogOutputChannel;
let statusBar: StatusBar;
let outline: ReportOutline;
/** Start and stop requests run one after the other, never interleaved. */
let queue: Promise<void> = Promise.resolve();

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  log = vscode.window.createOutputChannel("MLOps Report", { log: true });
  statusBar = new StatusBar();
  const handin = new HandinPreview(() => client, log);
  outline = new ReportOutline(() => client);
  context.subscriptions.push(
    outline,
    ...registerFigurePipeline(new FigurePipeline(() => client, (uri) => outline.isReport(uri), log)),
    handin,
    log,
    statusBar,
    vscode.commands.registerCommand("mlopsReport.restartServer", () => restart(context)),
    vscode.commands.registerCommand("mlopsReport.showLog", () => log.show()),
    vscode.commands.registerCommand("mlopsReport.insertFigure", insertFigure),
    vscode.commands.registerCommand("mlopsReport.previewHandin", (uri?: vscode.Uri) => handin.show(uri)),
    vscode.commands.registerCommand("mlopsReport.migrateToTemplate", () => migrateToTemplate(client, log)),
    vscode.commands.registerCommand("mlopsReport.showPushed", showPushed),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("mlopsReport.interpreter")) void restart(context);
    }),
    // trust is only ever granted while the window is open (taking it back reloads the window)
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      void client?.sendNotification(TRUST_NOTIFICATION, { trusted: true });
    }),
  );
  void watchPythonExtension(context);
  await restart(context);
}

export function deactivate(): Promise<void> {
  return enqueue(stop);
}

function enqueue(step: () => Promise<void>): Promise<void> {
  queue = queue.then(step, step);
  return queue;
}

function restart(context: vscode.ExtensionContext): Promise<void> {
  return enqueue(async () => {
    await stop();
    await start(context);
  });
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const scope = vscode.window.activeTextEditor?.document.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
  let interpreter;
  try {
    interpreter = await findInterpreter(scope, log);
  } catch (error) {
    const message = error instanceof NoInterpreterError ? error.message : `MLOps Report: ${String(error)}`;
    log.error(message);
    void vscode.window.showErrorMessage(message, "Open Setting", "Show Log").then((choice) => {
      if (choice === "Open Setting") {
        void vscode.commands.executeCommand("workbench.action.openSettings", "mlopsReport.interpreter");
      } else if (choice === "Show Log") {
        log.show();
      }
    });
    return;
  }
  const next = createClient(context, interpreter, log);
  next.onNotification(STATUS_NOTIFICATION, (status: ReportStatus) => statusBar.update(status));
  next.registerFeature(new OutlineFeature());
  next.onNotification(OUTLINE_METHOD, (pushed: Outline) => outline.update(pushed));
  try {
    await next.start();
    client = next;
  } catch (error) {
    // the language client has already told the user, with a button to this log
    log.error(`The server did not start: ${String(error)}`);
  }
}

/** "Check the Pushed Version": the verdict on the upstream (origin/main) beside the working copy's. */
async function showPushed(): Promise<void> {
  const uri = vscode.window.activeTextEditor?.document.uri.toString();
  if (!client) {
    void vscode.window.showWarningMessage("MLOps Report: the checker's server is not running.");
    return;
  }
  const result = await client.sendRequest<PushedCheck | null>("workspace/executeCommand", {
    command: "mlopsReport.checkPushed",
    arguments: uri ? [uri] : [],
  });
  void vscode.window.showInformationMessage(pushedMessage(result));
}

async function stop(): Promise<void> {
  const current = client;
  client = undefined;
  statusBar.clear();
  outline.clear();
  if (!current) return;
  try {
    await current.stop(5000);
  } catch (error) {
    log.warn(`Stopping the server: ${String(error)}`);
  }
}

/** Follows the interpreter selected in the Python extension, unless one is set for us. */
async function watchPythonExtension(context: vscode.ExtensionContext): Promise<void> {
  const event = (await pythonExtensionApi())?.environments?.onDidChangeActiveEnvironmentPath;
  if (!event) return;
  context.subscriptions.push(
    event(() => {
      const configured = vscode.workspace.getConfiguration("mlopsReport").get<string[] | string>("interpreter");
      if (!configured || configured.length === 0) void restart(context);
    }),
  );
}
