// "Insert Figure…": pick an image from the report's figures folder and link it at the cursor.
import * as path from "path";
import * as vscode from "vscode";

const IMAGE = /\.(png|jpe?g)$/i;

async function imagesUnder(folder: vscode.Uri, prefix = ""): Promise<string[]> {
  let entries: [string, vscode.FileType][];
  try {
    entries = await vscode.workspace.fs.readDirectory(folder);
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const [name, type] of entries.sort(([a], [b]) => a.localeCompare(b))) {
    const relative = prefix ? `${prefix}/${name}` : name;
    if (type & vscode.FileType.Directory) {
      found.push(...(await imagesUnder(vscode.Uri.joinPath(folder, name), relative)));
    } else if (IMAGE.test(name)) {
      found.push(relative);
    }
  }
  return found;
}

/** The server's command that writes a figure link the way the checker and CommonMark both read it
 * (forward slashes, spaces as %20): the same link its fixes and completions write. */
export const FIGURE_LINK_COMMAND = "mlopsReport.figureLink";

/** `![name](figures/name.png)` for `relative` under the figures folder, written by the server. */
export async function figureLink(figuresDir: string, relative: string): Promise<string | undefined> {
  const folder = figuresDir.replace(/\\/g, "/").replace(/^\.\/|\/+$/g, "");
  const path = [folder, relative].filter(Boolean).join("/");
  try {
    const link = await vscode.commands.executeCommand<string | null>(FIGURE_LINK_COMMAND, { path });
    return typeof link === "string" ? link : undefined;
  } catch {
    return undefined; // the server is not running: it registers the command when it starts
  }
}

export async function insertFigure(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== "markdown") {
    void vscode.window.showInformationMessage("MLOps Report: open your report (reports/README.md) to insert a figure.");
    return;
  }
  const document = editor.document;
  if (document.uri.scheme !== "file") {
    void vscode.window.showInformationMessage("MLOps Report: save the report first; figures are found next to it.");
    return;
  }
  const figuresDir = vscode.workspace.getConfiguration("mlopsReport", document.uri).get<string>("figuresDir") || "figures";
  const folder = vscode.Uri.joinPath(document.uri, "..", figuresDir);
  const images = await imagesUnder(folder);
  if (images.length === 0) {
    void vscode.window.showInformationMessage(
      `MLOps Report: no .png or .jpg images in ${vscode.workspace.asRelativePath(folder)}. Save your figures there first.`,
    );
    return;
  }
  const picked = await vscode.window.showQuickPick(
    images.map((relative) => ({ label: path.posix.basename(relative), description: relative, relative })),
    { placeHolder: `Figure from ${vscode.workspace.asRelativePath(folder)} to link at the cursor`, matchOnDescription: true },
  );
  if (!picked) return;
  const link = await figureLink(figuresDir, picked.relative);
  if (!link) {
    void vscode.window.showErrorMessage("MLOps Report: the server is not running; see MLOps Report: Show Log.");
    return;
  }
  await editor.edit((edit) => {
    for (const selection of editor.selections) edit.replace(selection, link);
  });
}
