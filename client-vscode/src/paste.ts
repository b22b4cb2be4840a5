// Paste or drop an image into the report: it is saved in the report's figures folder under a
// name from the question at the cursor (q14-1.png: no spaces, never over an existing file) and
// linked the way the official checker counts and CommonMark renders. The name and the link come
// from the server (`mlopsReport.figureName`); VS Code writes the file, refusing to overwrite.
// Other markdown files, and images already in the figures folder, are left to VS Code's own
// markdown paste and drop.
import * as path from "path";
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";

export const FIGURE_NAME_COMMAND = "mlopsReport.figureName";
const IMAGE_TYPES: Record<string, string> = { "image/png": "png", "image/jpeg": "jpg", "image/jpg": "jpg" };
const IMAGE_NAME = /\.(png|jpe?g)$/i;

interface Named {
  question: number | null;
  names: string[];
  relative: string[];
  files: string[];
  links: string[];
  error?: string;
}

interface Image {
  file: vscode.DataTransferFile;
  extension: string;
}

/** The images in a paste or drop, leaving out those already in `figures` (they need only a link). */
function images(data: vscode.DataTransfer, figures: vscode.Uri): Image[] {
  const found: Image[] = [];
  const seen = new Set<string>(); // one file may stand under several types: once by its uri, or its name
  data.forEach((item, mime) => {
    const file = item.asFile();
    const id = file ? (file.uri?.toString() ?? `name:${file.name}`) : "";
    if (!file || seen.has(id)) return;
    const extension = IMAGE_TYPES[mime.toLowerCase()] ?? (IMAGE_NAME.exec(file.name)?.[1].toLowerCase() || undefined);
    if (!extension) return;
    if (file.uri && file.uri.scheme === figures.scheme && file.uri.path.startsWith(figures.path + "/")) return;
    seen.add(id);
    found.push({ file, extension: extension === "jpeg" ? "jpg" : extension });
  });
  return found;
}

interface Planned {
  text: string;
  edit: vscode.WorkspaceEdit;
  title: string;
}

export class FigurePipeline {
  constructor(
    private readonly client: () => LanguageClient | undefined,
    private readonly isReport: (uri: vscode.Uri) => boolean,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** The link text and the file writes for the images in `data`; undefined when not ours. */
  async plan(document: vscode.TextDocument, position: vscode.Position, data: vscode.DataTransfer): Promise<Planned | undefined> {
    const client = this.client();
    if (!client || document.uri.scheme !== "file" || !this.isReport(document.uri)) return undefined;
    const figuresDir = vscode.workspace.getConfiguration("mlopsReport", document.uri).get<string>("figuresDir") || "figures";
    const figures = vscode.Uri.joinPath(document.uri, "..", figuresDir);
    const found = images(data, figures);
    if (found.length === 0) return undefined;
    const named: Named[] = [];
    const taken: string[] = [];
    for (const image of found) {
      let answer: Named | null;
      try {
        answer = await client.sendRequest<Named | null>("workspace/executeCommand", {
          command: FIGURE_NAME_COMMAND,
          arguments: [{ uri: document.uri.toString(), position: { line: position.line, character: position.character },
                        extension: image.extension, count: taken.length + 1 }],
        });
      } catch (error) {
        this.log.warn(`${FIGURE_NAME_COMMAND}: ${String(error)}`);
        return undefined;
      }
      if (!answer || answer.error || !answer.names?.length) {
        if (answer?.error) void vscode.window.showWarningMessage(`MLOps Report: ${answer.error}`);
        return undefined;
      }
      // the names before this one are still to be written: take the first one not among them
      const index = answer.names.findIndex((name) => !taken.includes(name.toLowerCase()));
      taken.push(answer.names[index].toLowerCase());
      named.push({ ...answer, names: [answer.names[index]], relative: [answer.relative[index]],
                   files: [answer.files[index]], links: [answer.links[index]] });
    }
    const edit = new vscode.WorkspaceEdit();
    found.forEach((image, i) => {
      edit.createFile(vscode.Uri.parse(named[i].files[0]), { contents: image.file, overwrite: false, ignoreIfExists: false });
    });
    const text = named.map((n) => n.links[0]).join("\n\n");
    const where = named.map((n) => n.relative[0]).join(", ");
    this.log.info(`figure pipeline: saving ${where} for ${path.basename(document.uri.fsPath)}`);
    return { text, edit, title: `Save as ${where} and link it` };
  }
}

// The paste API (VS Code 1.97+), declared here so that the extension still loads in older versions.
interface PasteEdit {
  additionalEdit?: vscode.WorkspaceEdit;
}
interface PasteApi {
  DocumentDropOrPasteEditKind: { Empty: { append(...parts: string[]): unknown } };
  DocumentPasteEdit: new (insertText: string, title: string, kind: unknown) => PasteEdit;
}
interface PasteRegistry {
  registerDocumentPasteEditProvider(
    selector: vscode.DocumentSelector,
    provider: {
      provideDocumentPasteEdits(
        document: vscode.TextDocument,
        ranges: readonly vscode.Range[],
        data: vscode.DataTransfer,
        context: unknown,
        token: vscode.CancellationToken,
      ): Promise<PasteEdit[] | undefined>;
    },
    metadata: { providedPasteEditKinds: unknown[]; pasteMimeTypes: string[] },
  ): vscode.Disposable;
}

export const PASTE_KIND = ["markdown", "link", "image", "mlopsReport"];

export function registerFigurePipeline(pipeline: FigurePipeline): vscode.Disposable[] {
  const selector: vscode.DocumentSelector = { language: "markdown", scheme: "file" };
  const out: vscode.Disposable[] = [
    vscode.languages.registerDocumentDropEditProvider(selector, {
      async provideDocumentDropEdits(document, position, data) {
        const planned = await pipeline.plan(document, position, data);
        if (!planned) return undefined;
        const drop = new vscode.DocumentDropEdit(planned.text);
        drop.additionalEdit = planned.edit;
        return drop;
      },
    }),
  ];
  const api = vscode as unknown as Partial<PasteApi>;
  const languages = vscode.languages as unknown as Partial<PasteRegistry>;
  if (api.DocumentPasteEdit && api.DocumentDropOrPasteEditKind && languages.registerDocumentPasteEditProvider) {
    const kind = api.DocumentDropOrPasteEditKind.Empty.append(...PASTE_KIND);
    const Edit = api.DocumentPasteEdit;
    out.push(
      languages.registerDocumentPasteEditProvider(
        selector,
        {
          async provideDocumentPasteEdits(document, ranges, data) {
            const planned = await pipeline.plan(document, ranges[0]?.start ?? new vscode.Position(0, 0), data);
            if (!planned) return undefined;
            const paste = new Edit(planned.text, planned.title, kind);
            paste.additionalEdit = planned.edit;
            return [paste];
          },
        },
        { providedPasteEditKinds: [kind], pasteMimeTypes: [...Object.keys(IMAGE_TYPES), "files"] },
      ),
    );
  }
  return out;
}
