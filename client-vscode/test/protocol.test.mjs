// The bundled server, started exactly as the extension starts it (`python -I bundled/tool/start.py`),
// driven over stdio with vscode-languageserver-protocol, the library inside vscode-languageclient,
// announcing the capabilities VS Code announces.
//   node --test test/        (after scripts/build.sh; scripts/test.sh does both)
// Env: MLOPS_REPORT_TEST_PYTHON: the Python to run the server with (default python3).
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import protocol from "vscode-languageserver-protocol/node";
import { makeWorkspace } from "./workspace.mjs";

const {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  InitializeRequest,
  InitializedNotification,
  DidOpenTextDocumentNotification,
  DidChangeTextDocumentNotification,
  DidChangeConfigurationNotification,
  PublishDiagnosticsNotification,
  DocumentDiagnosticRequest,
  HoverRequest,
  CodeActionRequest,
  CodeActionResolveRequest,
  CodeLensRequest,
  CodeLensResolveRequest,
  ShutdownRequest,
  ExitNotification,
} = protocol;

const EXT = resolve(import.meta.dirname, "..");
const START = join(EXT, "bundled/tool/start.py");
const PYTHON = process.env.MLOPS_REPORT_TEST_PYTHON || "python3";

const SETTINGS = { edition: "auto", templatePath: "", figuresDir: "figures", severity: {}, disable: [] };

/** What VS Code 1.9x announces (the parts that change what a server sends). */
const VSCODE_CAPABILITIES = {
  general: { positionEncodings: ["utf-16"], markdown: { parser: "marked", version: "1.1.0" } },
  workspace: {
    applyEdit: true,
    workspaceEdit: { documentChanges: true, resourceOperations: ["create", "rename", "delete"], failureHandling: "textOnlyTransactional" },
    didChangeConfiguration: { dynamicRegistration: true },
    didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true },
    configuration: true,
    workspaceFolders: true,
    codeLens: { refreshSupport: true },
    diagnostics: { refreshSupport: true },
  },
  textDocument: {
    synchronization: { dynamicRegistration: true, willSave: true, willSaveWaitUntil: true, didSave: true },
    publishDiagnostics: {
      relatedInformation: true,
      versionSupport: false,
      tagSupport: { valueSet: [1, 2] },
      codeDescriptionSupport: true,
      dataSupport: true,
    },
    diagnostic: { dynamicRegistration: true, relatedDocumentSupport: false },
    hover: { dynamicRegistration: true, contentFormat: ["markdown", "plaintext"] },
    codeAction: {
      dynamicRegistration: true,
      isPreferredSupport: true,
      disabledSupport: true,
      dataSupport: true,
      resolveSupport: { properties: ["edit"] },
      codeActionLiteralSupport: {
        codeActionKind: {
          valueSet: ["", "quickfix", "refactor", "refactor.extract", "refactor.inline", "refactor.rewrite", "source", "source.organizeImports"],
        },
      },
      honorsChangeAnnotations: true,
    },
    codeLens: { dynamicRegistration: true },
    completion: { completionItem: { snippetSupport: true, documentationFormat: ["markdown", "plaintext"] } },
  },
  window: { workDoneProgress: true, showMessage: { messageActionItem: { additionalPropertiesSupport: true } } },
};

function within(ms, promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    const describe = () => (typeof what === "function" ? what() : what);
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${describe()}`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Starts the server and returns a connection that answers the server's requests like VS Code. */
function startServer(t) {
  assert.ok(existsSync(START), `${START} is missing: run client-vscode/scripts/build.sh first`);
  const proc = spawn(PYTHON, ["-I", START], { cwd: EXT, stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  proc.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise((res) => proc.on("exit", (code, signal) => res({ code, signal })));
  // A server that dies fails the test at once, with its stderr, instead of leaving it hanging.
  let onDeath;
  const died = new Promise((_, reject) => (onDeath = reject));
  died.catch(() => {});
  let expectExit = false;
  exited.then(({ code, signal }) => {
    if (!expectExit) onDeath(new Error(`the server exited (code ${code}, signal ${signal}); stderr:\n${stderr}`));
  });
  const conn = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  const published = new Map(); // uri -> latest diagnostics
  const statuses = new Map(); // uri -> latest mlopsReport/status
  const waiters = [];
  const settle = () => {
    for (const waiter of [...waiters]) {
      if (waiter.ready()) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  conn.onNotification(PublishDiagnosticsNotification.type, (params) => {
    published.set(params.uri, params.diagnostics);
    settle();
  });
  conn.onNotification("mlopsReport/status", (params) => {
    statuses.set(params.uri, params);
    settle();
  });
  // what the server logs or shows goes with its stderr into any failure message
  conn.onNotification("window/logMessage", (p) => (stderr += `[logMessage ${p.type}] ${p.message}\n`));
  conn.onNotification("window/showMessage", (p) => (stderr += `[showMessage ${p.type}] ${p.message}\n`));
  conn.onRequest("workspace/configuration", (params) => params.items.map((item) => (item.section === "mlopsReport" ? SETTINGS : null)));
  conn.onRequest("client/registerCapability", () => null);
  conn.onRequest("client/unregisterCapability", () => null);
  conn.onRequest("window/workDoneProgress/create", () => null);
  conn.onRequest("workspace/codeLens/refresh", () => null);
  conn.onRequest("workspace/diagnostic/refresh", () => null);
  conn.listen();
  t.after(() => {
    conn.dispose();
    proc.kill();
  });
  const until = (ready, what, ms = 15000) => {
    if (ready()) return Promise.resolve();
    const waiting = new Promise((resolve) => waiters.push({ ready, resolve }));
    return within(ms, Promise.race([waiting, died]), () => `${what}; server stderr:\n${stderr}`);
  };
  /** A request's answer, or the reason there is none. */
  const ask = (type, params, what, ms = 15000) =>
    within(ms, Promise.race([conn.sendRequest(type, params), died]), () => `${what}; server stderr:\n${stderr}`);
  const shutdown = async () => {
    await ask(ShutdownRequest.type, undefined, "the shutdown response", 5000);
    expectExit = true;
    await conn.sendNotification(ExitNotification.type);
    return within(5000, exited, "the server to exit");
  };
  return { proc, conn, exited, published, statuses, until, ask, shutdown, stderr: () => stderr };
}

test("the bundled server checks a report the way VS Code asks", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "mlops-report-protocol-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const scenario = makeWorkspace(dir);
  const uri = pathToFileURL(scenario.report).href;
  const text = readFileSync(scenario.report, "utf8");
  const server = startServer(t);
  const { conn } = server;

  const init = await server.ask(
    InitializeRequest.type,
    {
      processId: process.pid,
      clientInfo: { name: "Visual Studio Code", version: "1.100.3" },
      locale: "en",
      rootUri: pathToFileURL(scenario.root).href,
      workspaceFolders: [{ uri: pathToFileURL(scenario.root).href, name: "workspace" }],
      capabilities: VSCODE_CAPABILITIES,
      initializationOptions: SETTINGS,
    },
    "the initialize result",
    20000,
  );
  const caps = init.capabilities;
  assert.ok(caps.hoverProvider, "hover");
  assert.ok(caps.codeActionProvider, "code actions");
  assert.ok(caps.codeLensProvider, "code lens");
  assert.ok(!caps.positionEncoding || caps.positionEncoding === "utf-16", `VS Code only speaks utf-16, got ${caps.positionEncoding}`);
  await conn.sendNotification(InitializedNotification.type, {});
  await conn.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: "markdown", version: 1, text },
  });

  // Diagnostics: pulled when the server offers pull (as VS Code then does), else pushed.
  async function diagnostics() {
    if (caps.diagnosticProvider) {
      const report = await server.ask(DocumentDiagnosticRequest.type, { textDocument: { uri } }, "pulled diagnostics");
      return report.items ?? [];
    }
    await server.until(() => server.published.has(uri), "published diagnostics");
    return server.published.get(uri);
  }
  const found = await diagnostics();
  const codes = found.map((d) => d.code);
  assert.ok(found.every((d) => d.source === "mlops-report"), `sources: ${found.map((d) => d.source)}`);
  const wordCount = found.find((d) => d.code === "word-count" && d.message.includes(`Question ${scenario.short.number}`));
  assert.ok(wordCount, `a word-count finding for Question ${scenario.short.number} among ${codes}`);
  assert.match(wordCount.message, new RegExp(`\\b${scenario.short.words}\\b`));
  const imageCount = found.find((d) => d.code === "image-count" && d.message.includes(`Question ${scenario.figure.number}`));
  assert.ok(imageCount, `an image-count finding for Question ${scenario.figure.number} among ${codes}`);

  // The status notification the status bar shows.
  await server.until(() => server.statuses.has(uri), "mlopsReport/status");
  const status = server.statuses.get(uri);
  assert.equal(status.total, scenario.total);
  assert.equal(status.passing, scenario.passing);
  assert.equal(status.answered, scenario.answered);

  // Hover on the heading of the short question: its limits.
  const hover = await server.ask(
    HoverRequest.type,
    { textDocument: { uri }, position: { line: scenario.short.headingLine, character: 6 } },
    "the hover",
  );
  const hoverText = typeof hover?.contents === "string" ? hover.contents : (hover?.contents?.value ?? JSON.stringify(hover));
  assert.match(hoverText, new RegExp(`${scenario.short.minWords}\\s*[–-]\\s*${scenario.short.maxWords}\\s*words`));

  // Quick fixes for the missing figure: one per image not linked yet.
  const actions = await server.ask(
    CodeActionRequest.type,
    { textDocument: { uri }, range: imageCount.range, context: { diagnostics: [imageCount], only: ["quickfix"], triggerKind: 1 } },
    "the code actions",
  );
  const wanted = `Insert figure figures/${scenario.figure.image}`;
  let action = actions.find((a) => a.title === wanted);
  assert.ok(action, `"${wanted}" among ${actions.map((a) => a.title)}`);
  if (!action.edit && caps.codeActionProvider.resolveProvider) {
    action = await server.ask(CodeActionResolveRequest.type, action, "the resolved code action");
  }
  const edits = action.edit.changes?.[uri] ?? action.edit.documentChanges?.find((c) => c.textDocument?.uri === uri)?.edits;
  assert.ok(edits?.length, JSON.stringify(action.edit));
  const alt = scenario.figure.image.replace(/\.[^.]+$/, "");
  assert.ok(edits.some((e) => e.newText.includes(`![${alt}](figures/${scenario.figure.image})`)), JSON.stringify(edits));

  // Code lens over the short question: its count against the limits.
  let lenses = await server.ask(CodeLensRequest.type, { textDocument: { uri } }, "the code lenses");
  if (caps.codeLensProvider.resolveProvider) {
    lenses = await Promise.all(
      lenses.map((lens) => (lens.command ? lens : server.ask(CodeLensResolveRequest.type, lens, "a resolved code lens"))),
    );
  }
  const lens = lenses.find((l) => l.range.start.line === scenario.short.headingLine);
  assert.ok(lens?.command, `a lens on line ${scenario.short.headingLine}: ${JSON.stringify(lenses.slice(0, 3))}`);
  assert.match(lens.command.title, new RegExp(`${scenario.short.words} / ${scenario.short.minWords}[–-]${scenario.short.maxWords} words`));

  // Type the missing words: the finding goes and the status counts one more passing question.
  const lines = text.split(/\r\n|\r|\n/);
  const end = lines[scenario.short.answerLine].length;
  const words = Array.from({ length: scenario.short.missingWords }, (_, i) => `word${i}`).join(" ");
  server.statuses.delete(uri);
  server.published.delete(uri);
  await conn.sendNotification(DidChangeTextDocumentNotification.type, {
    textDocument: { uri, version: 2 },
    contentChanges: [{ range: { start: { line: scenario.short.answerLine, character: end }, end: { line: scenario.short.answerLine, character: end } }, text: " " + words }],
  });
  await server.until(() => server.statuses.get(uri)?.passing === scenario.passing + 1, "the status after the edit");
  const after = await diagnostics();
  assert.ok(
    !after.some((d) => d.code === "word-count" && d.message.includes(`Question ${scenario.short.number}`)),
    `word-count still reported: ${after.map((d) => d.message)}`,
  );

  // A settings change reaches the running server: disabling a code removes its findings.
  SETTINGS.disable = ["image-count"];
  server.published.delete(uri);
  await conn.sendNotification(DidChangeConfigurationNotification.type, { settings: { mlopsReport: SETTINGS } });
  const deadline = Date.now() + 15000;
  let disabled = await diagnostics();
  while (disabled.some((d) => d.code === "image-count") && Date.now() < deadline) {
    await new Promise((res) => setTimeout(res, 200));
    disabled = await diagnostics();
  }
  SETTINGS.disable = [];
  assert.ok(!disabled.some((d) => d.code === "image-count"), "image-count still reported after disabling it");

  const { code } = await server.shutdown();
  assert.equal(code, 0, server.stderr());
});

test("a Markdown file that is not a report gets no findings and no status", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "mlops-report-protocol-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const uri = pathToFileURL(join(dir, "notes.md")).href;
  const server = startServer(t);
  const { conn } = server;
  const init = await server.ask(
    InitializeRequest.type,
    {
      processId: process.pid,
      rootUri: pathToFileURL(dir).href,
      workspaceFolders: [{ uri: pathToFileURL(dir).href, name: "notes" }],
      capabilities: VSCODE_CAPABILITIES,
      initializationOptions: SETTINGS,
    },
    "the initialize result",
    20000,
  );
  await conn.sendNotification(InitializedNotification.type, {});
  await conn.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: "markdown", version: 1, text: "# Notes\n\nSome words about nothing in particular.\n" },
  });
  let found;
  if (init.capabilities.diagnosticProvider) {
    found = (await server.ask(DocumentDiagnosticRequest.type, { textDocument: { uri } }, "pulled diagnostics")).items ?? [];
  } else {
    await new Promise((res) => setTimeout(res, 1500));
    found = server.published.get(uri) ?? [];
  }
  assert.deepEqual(found, []);
  const status = server.statuses.get(uri);
  assert.ok(!status || !status.total, `a status for a non-report: ${JSON.stringify(status)}`);
  assert.equal((await server.shutdown()).code, 0, server.stderr());
});

test("untrusted, the bundled server reads no git history; once trusted, it restores from it", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "mlops-report-protocol-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const scenario = makeWorkspace(dir);
  const original = readFileSync(scenario.report, "utf8");
  const git = (...args) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.org", ...args], { cwd: dir, stdio: "ignore" });
  git("init", "-q");
  git("add", "-A");
  git("commit", "-q", "-m", "template");
  const edited = original.replace(/Recommended answer length: (\d+)-(\d+) words\./, "Recommended answer length: 1-$2 words.");
  assert.notEqual(edited, original);
  writeFileSync(scenario.report, edited);
  const uri = pathToFileURL(scenario.report).href;
  const server = startServer(t);
  const { conn } = server;
  const init = await server.ask(
    InitializeRequest.type,
    {
      processId: process.pid,
      rootUri: pathToFileURL(dir).href,
      workspaceFolders: [{ uri: pathToFileURL(dir).href, name: "workspace" }],
      capabilities: VSCODE_CAPABILITIES,
      initializationOptions: { ...SETTINGS, trusted: false }, // what the extension sends in Restricted Mode
    },
    "the initialize result",
    20000,
  );
  await conn.sendNotification(InitializedNotification.type, {});
  await conn.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: "markdown", version: 1, text: edited },
  });
  async function restoreOffered() {
    const found = init.capabilities.diagnosticProvider
      ? ((await server.ask(DocumentDiagnosticRequest.type, { textDocument: { uri } }, "pulled diagnostics")).items ?? [])
      : (await server.until(() => server.published.has(uri), "published diagnostics"), server.published.get(uri));
    const finding = found.find((d) => d.code === "instructions-edited");
    assert.ok(finding, `instructions-edited among ${found.map((d) => d.code)}`);
    const actions = await server.ask(
      CodeActionRequest.type,
      { textDocument: { uri }, range: finding.range, context: { diagnostics: [finding], only: ["quickfix"], triggerKind: 1 } },
      "the code actions",
    );
    return actions.some((a) => a.title === "Restore the original instructions");
  }
  await new Promise((res) => setTimeout(res, 1500));
  assert.equal(await restoreOffered(), false, "git history read in an untrusted workspace");

  await conn.sendNotification("mlopsReport/workspaceTrust", { trusted: true }); // onDidGrantWorkspaceTrust
  const deadline = Date.now() + 15000;
  let offered = await restoreOffered();
  while (!offered && Date.now() < deadline) {
    await new Promise((res) => setTimeout(res, 200));
    offered = await restoreOffered();
  }
  assert.ok(offered, `no restore fix from git history once trusted; server stderr:\n${server.stderr()}`);
  assert.equal((await server.shutdown()).code, 0, server.stderr());
});
