// Finds the Python that runs the bundled server: the user's setting, else the Python
// extension's selected environment, else the usual commands on PATH.
import { execFile } from "child_process";
import * as vscode from "vscode";

export const MIN_VERSION: readonly [number, number] = [3, 10];

/** A command that starts Python, e.g. ["/usr/bin/python3"] or ["py", "-3"]. */
export type PythonCommand = string[];

export interface Interpreter {
  command: PythonCommand;
  version: [number, number];
  /** Where the command came from, for messages: "setting", "Python extension", "PATH". */
  origin: string;
}

export class NoInterpreterError extends Error {
  constructor(message: string, readonly tried: string[]) {
    super(message);
  }
}

function fromSetting(scope: vscode.Uri | undefined): PythonCommand | undefined {
  const value = vscode.workspace.getConfiguration("mlopsReport", scope).get<string[] | string>("interpreter");
  const command = typeof value === "string" ? [value] : (value ?? []);
  const cleaned = command.map((part) => part.trim()).filter((part) => part.length > 0);
  return cleaned.length > 0 ? cleaned.map(expandVariables) : undefined;
}

function expandVariables(part: string): string {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? "";
  return part.replace(/\$\{workspaceFolder\}/g, folder).replace(/^~(?=$|[\\/])/, process.env.HOME ?? "~");
}

interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string } | undefined;
    onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
  };
}

/** The Python extension's API when it is installed; it is optional, never a dependency. */
export async function pythonExtensionApi(): Promise<PythonExtensionApi | undefined> {
  const extension = vscode.extensions.getExtension<PythonExtensionApi>("ms-python.python");
  if (!extension) return undefined;
  try {
    return extension.isActive ? extension.exports : await extension.activate();
  } catch {
    return undefined;
  }
}

async function fromPythonExtension(scope: vscode.Uri | undefined): Promise<PythonCommand | undefined> {
  try {
    const path = (await pythonExtensionApi())?.environments?.getActiveEnvironmentPath(scope)?.path;
    return path ? [path] : undefined;
  } catch {
    return undefined;
  }
}

/** The version a Python command reports, or why it could not be run. */
export function pythonVersion(command: PythonCommand): Promise<[number, number]> {
  return new Promise((resolve, reject) => {
    const [program, ...args] = command;
    execFile(
      program,
      [...args, "-I", "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
      { timeout: 15000, windowsHide: true },
      (error, stdout, stderr) => {
        const match = /^(\d+)\.(\d+)\s*$/.exec(stdout);
        if (error || !match) {
          reject(new Error(error ? error.message : `unexpected output: ${stdout}${stderr}`));
        } else {
          resolve([Number(match[1]), Number(match[2])]);
        }
      },
    );
  });
}

function isRecentEnough([major, minor]: [number, number]): boolean {
  return major > MIN_VERSION[0] || (major === MIN_VERSION[0] && minor >= MIN_VERSION[1]);
}

/**
 * The first candidate that runs and is recent enough. A command set by the user is the only
 * candidate when present: silently falling back would hide their mistake.
 */
export async function findInterpreter(scope: vscode.Uri | undefined, log: vscode.LogOutputChannel): Promise<Interpreter> {
  const candidates: [PythonCommand, string][] = [];
  const configured = fromSetting(scope);
  if (configured) {
    candidates.push([configured, "setting mlopsReport.interpreter"]);
  } else {
    const selected = await fromPythonExtension(scope);
    if (selected) candidates.push([selected, "Python extension"]);
    candidates.push([["python3"], "PATH"], [["python"], "PATH"]);
    if (process.platform === "win32") candidates.push([["py", "-3"], "PATH"]);
  }
  const tried: string[] = [];
  for (const [command, origin] of candidates) {
    const shown = command.join(" ");
    try {
      const version = await pythonVersion(command);
      if (isRecentEnough(version)) {
        log.info(`Using Python ${version.join(".")}: ${shown} (from ${origin})`);
        return { command, version, origin };
      }
      tried.push(`${shown} (from ${origin}) is Python ${version.join(".")}`);
    } catch (error) {
      tried.push(`${shown} (from ${origin}) could not be run: ${(error as Error).message.trim()}`);
    }
  }
  for (const line of tried) log.warn(line);
  const need = MIN_VERSION.join(".");
  const message = configured
    ? `MLOps Report: the Python in mlopsReport.interpreter (${configured.join(" ")}) cannot be used; it needs Python ${need} or newer.`
    : `MLOps Report needs Python ${need} or newer and found none. Install it, or set mlopsReport.interpreter to one.`;
  throw new NoInterpreterError(message, tried);
}
