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

/** `![name](figures/name.png)`, the link the report's checker counts as a figure. */
export function figureLink(figuresDir: string, relative: string): string {
  const target = [figuresDir.replace(/\\/g, "/").replace(/^\.\/|\/+$/g, ""), relative].filter(Boolean).join("/");
  const alt = path.posix.basename(relative).replace(IMAGE, "");
  const encoded = target.split("/").map(encodeURIComponent).join("/");
  return `![${alt}](${encoded})`;
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
  const link = figureLink(figuresDir, picked.relative);
  await editor.edit((edit) => {
    for (const selection of editor.selections) edit.replace(selection, link);
  });
}
