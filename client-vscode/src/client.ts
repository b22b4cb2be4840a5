// Builds the language client that runs the bundled server with the chosen Python.
import * as vscode from "vscode";
import {
  Executable,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
} from "vscode-languageclient/node";
import type { Interpreter } from "./interpreter";

export const SECTION = "mlopsReport";
/** Sent when the user trusts the workspace: `{ trusted: true }`. The server starts from
 * `initializationOptions.trusted`; untrusted, it reads no git history and keeps `templatePath`
 * and `figuresDir` inside the workspace. */
export const TRUST_NOTIFICATION = "mlopsReport/workspaceTrust";

/** The settings the server reads, as sent in initializationOptions. */
export function serverSettings(scope?: vscode.Uri): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  return {
    edition: config.get("edition"),
    checker: config.get("checker"),
    templatePath: config.get("templatePath"),
    figuresDir: config.get("figuresDir"),
    severity: config.get("severity"),
    disable: config.get("disable"),
    deadline: config.get("deadline"),
  };
}

export function createClient(
  context: vscode.ExtensionContext,
  interpreter: Interpreter,
  log: vscode.LogOutputChannel,
): LanguageClient {
  const [program, ...programArgs] = interpreter.command;
  // -I: isolated mode. The server sees no PYTHONPATH, no user site-packages and not the
  // current directory; bundled/tool/start.py puts bundled/libs first on sys.path, so a
  // different pygls installed in that Python cannot get in the way.
  const run: Executable = {
    command: program,
    args: [...programArgs, "-I", context.asAbsolutePath("bundled/tool/start.py")],
    options: { cwd: context.extensionPath },
    // no `transport`: with TransportKind.stdio the client appends `--stdio` to the arguments,
    // which `mlops-report serve` does not take; stdio is what it speaks anyway
  };
  const serverOptions: ServerOptions = { run, debug: run };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "markdown" },
      { scheme: "untitled", language: "markdown" },
    ],
    // The server pulls `workspace/configuration` for this section; this also makes the client
    // send `workspace/didChangeConfiguration` when any of it changes, so no restart is needed.
    synchronize: { configurationSection: SECTION },
    initializationOptions: {
      ...serverSettings(vscode.window.activeTextEditor?.document.uri),
      trusted: vscode.workspace.isTrusted,
    },
    outputChannel: log,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
  };
  return new LanguageClient(SECTION, "MLOps Report", serverOptions, clientOptions);
}
