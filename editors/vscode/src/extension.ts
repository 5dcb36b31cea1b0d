// Readiness for VS Code: starts `readiness lsp`, passes the settings, and adds the commands
// and the status bar item. Everything about checklists is decided by the server.
import * as cp from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from 'vscode-languageclient/node';

const SECTION = 'readiness';
/** Names that make a Markdown file a checklist for the server (plus `readiness.checklists`). */
const CHECKLIST_GLOB = '**/*{readiness,Readiness,READINESS,checklist,Checklist,CHECKLIST}*.md';
const EXCLUDE_GLOB = '{**/node_modules/**,**/.git/**,**/target/**}';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let status: vscode.StatusBarItem;
let checklists: vscode.Uri[] = [];

/** The options the server reads: `{ rules, checklists, today? }`. */
function serverOptions(): { rules: Record<string, string>; checklists: string[]; today?: string } {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  const opts: { rules: Record<string, string>; checklists: string[]; today?: string } = {
    rules: cfg.get<Record<string, string>>('rules') ?? {},
    checklists: cfg.get<string[]>('checklists') ?? [],
  };
  const today = (cfg.get<string>('today') ?? '').trim();
  if (today) {
    opts.today = today;
  }
  return opts;
}

function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? path.join(os.homedir(), p.slice(1)) : p;
}

/**
 * Where the server is: the `readiness.server.path` setting, else the binary shipped in the
 * extension for this platform (server/<platform>-<arch>/readiness), else `readiness` on PATH.
 */
export function findServer(extensionPath: string): { path?: string; tried: string[] } {
  const exe = process.platform === 'win32' ? 'readiness.exe' : 'readiness';
  const tried: string[] = [];
  const configured = (vscode.workspace.getConfiguration(SECTION).get<string>('server.path') ?? '').trim();
  if (configured) {
    let p = expandHome(configured);
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!path.isAbsolute(p) && folder) {
      p = path.join(folder.uri.fsPath, p);
    }
    tried.push(`readiness.server.path: ${p}`);
    // An explicit setting is never silently replaced by another binary.
    return isExecutable(p) ? { path: p, tried } : { tried };
  }
  const bundled = path.join(extensionPath, 'server', `${process.platform}-${process.arch}`, exe);
  tried.push(bundled);
  if (isExecutable(bundled)) {
    return { path: bundled, tried };
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, exe))) {
      return { path: path.join(dir, exe), tried };
    }
  }
  tried.push(`${exe} on PATH`);
  return { tried };
}

async function reportMissingServer(tried: string[]): Promise<void> {
  output.appendLine(`readiness server not found; tried:\n  ${tried.join('\n  ')}`);
  const choice = await vscode.window.showErrorMessage(
    'Readiness: the `readiness` language server was not found. Install it (`cargo install --path server`) ' +
      'or set `readiness.server.path`.',
    'Open Setting',
    'Show Output',
  );
  if (choice === 'Open Setting') {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'readiness.server.path');
  } else if (choice === 'Show Output') {
    output.show();
  }
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  const found = findServer(context.extensionPath);
  if (!found.path) {
    status.text = '$(warning) Readiness';
    status.tooltip = 'The readiness server was not found: click to set readiness.server.path';
    status.command = {
      command: 'workbench.action.openSettings',
      title: 'Open Setting',
      arguments: ['readiness.server.path'],
    };
    void reportMissingServer(found.tried);
    return;
  }
  output.appendLine(`starting ${found.path} lsp`);
  const run = { command: found.path, args: ['lsp'] };
  const server: ServerOptions = { run, debug: run };
  const options: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'markdown' },
      { scheme: 'file', language: 'dotenv' },
      { scheme: 'file', language: 'yaml' },
      { scheme: 'file', language: 'dockerfile' },
      { scheme: 'file', pattern: '**/.env*' },
      { scheme: 'file', pattern: '**/readiness.toml' },
    ],
    initializationOptions: serverOptions(),
    outputChannel: output,
    traceOutputChannel: output,
  };
  client = new LanguageClient('readiness', 'Readiness', server, options);
  try {
    await client.start();
  } catch (e) {
    output.appendLine(`the server did not start: ${e}`);
    void vscode.window.showErrorMessage(`Readiness: the server did not start: ${e}`, 'Show Output').then((c) => {
      if (c) output.show();
    });
  }
  scheduleStatus();
}

async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) {
    try {
      await c.stop(2000);
    } catch (e) {
      output.appendLine(`stopping the server: ${e}`);
    }
  }
}

// ---- status bar: tasks done / total in the workspace's checklists, counted client-side ----

const TASK = /^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+\[([ xX])\]/gm;

export function countTasks(text: string): { done: number; total: number } {
  let done = 0;
  let total = 0;
  for (const m of text.matchAll(TASK)) {
    total++;
    if (m[1] !== ' ') done++;
  }
  return { done, total };
}

async function findChecklists(): Promise<vscode.Uri[]> {
  const globs = [CHECKLIST_GLOB, ...(vscode.workspace.getConfiguration(SECTION).get<string[]>('checklists') ?? [])];
  const seen = new Map<string, vscode.Uri>();
  for (const g of globs) {
    for (const uri of await vscode.workspace.findFiles(g, EXCLUDE_GLOB, 200)) {
      seen.set(uri.toString(), uri);
    }
  }
  return [...seen.values()].sort((a, b) => a.fsPath.localeCompare(b.fsPath));
}

let statusTimer: NodeJS.Timeout | undefined;
function scheduleStatus(): void {
  if (statusTimer) clearTimeout(statusTimer);
  statusTimer = setTimeout(() => void updateStatus(), 300);
}

async function updateStatus(): Promise<void> {
  if (!client) return;
  checklists = await findChecklists();
  let done = 0;
  let total = 0;
  const lines: string[] = [];
  for (const uri of checklists) {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const text = open ? open.getText() : Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
    const n = countTasks(text);
    if (n.total === 0) continue;
    done += n.done;
    total += n.total;
    lines.push(`${vscode.workspace.asRelativePath(uri)}: ${n.done}/${n.total}`);
  }
  status.command = 'readiness.openChecklist';
  if (total === 0) {
    status.text = '$(checklist) Readiness';
    status.tooltip = 'No readiness checklist in this workspace: click to create one';
  } else {
    status.text = `$(checklist) ${done}/${total}`;
    status.tooltip = new vscode.MarkdownString(
      `**Readiness**: ${done} of ${total} tasks done\n\n${lines.map((l) => `- ${l}`).join('\n')}\n\nClick to open the checklist.`,
    );
  }
  status.show();
}

// ---- commands ----

async function pickFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'Workspace folder for the readiness checklist' });
}

async function initChecklist(context: vscode.ExtensionContext): Promise<void> {
  const folder = await pickFolder();
  if (!folder) {
    void vscode.window.showErrorMessage('Readiness: open a folder first.');
    return;
  }
  const found = findServer(context.extensionPath);
  if (!found.path) {
    await reportMissingServer(found.tried);
    return;
  }
  const bin = found.path;
  output.appendLine(`${bin} init (in ${folder.uri.fsPath})`);
  const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    cp.execFile(bin, ['init'], { cwd: folder.uri.fsPath, timeout: 30000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr || (err && !stdout ? err.message : '')) });
    });
  });
  output.append(result.stdout);
  output.append(result.stderr);
  if (result.code !== 0) {
    const first = (result.stderr || result.stdout).trim().split('\n')[0] || `exit code ${result.code}`;
    void vscode.window.showErrorMessage(`Readiness: \`readiness init\` failed: ${first}`, 'Show Output').then((c) => {
      if (c) output.show();
    });
    return;
  }
  void vscode.window.showInformationMessage(
    `Readiness: ${(result.stdout.trim().split('\n')[0] || 'checklist created')}`,
  );
  await updateStatus();
  await openChecklist(context, true);
}

async function openChecklist(context: vscode.ExtensionContext, quiet = false): Promise<void> {
  checklists = await findChecklists();
  if (checklists.length === 0) {
    if (quiet) return;
    const c = await vscode.window.showInformationMessage('Readiness: no checklist in this workspace.', 'Create One');
    if (c) await initChecklist(context);
    return;
  }
  let uri: vscode.Uri | undefined = checklists[0];
  if (checklists.length > 1) {
    const pick = await vscode.window.showQuickPick(
      checklists.map((u) => ({ label: vscode.workspace.asRelativePath(u), uri: u })),
      { placeHolder: 'Open which checklist?' },
    );
    uri = pick?.uri;
  }
  if (uri) {
    await vscode.window.showTextDocument(uri);
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('Readiness');
  status = vscode.window.createStatusBarItem('readiness.status', vscode.StatusBarAlignment.Left, 10);
  status.name = 'Readiness';
  context.subscriptions.push(output, status);

  context.subscriptions.push(
    vscode.commands.registerCommand('readiness.restartServer', async () => {
      await stopClient();
      await startClient(context);
    }),
    vscode.commands.registerCommand('readiness.showOutput', () => output.show()),
    vscode.commands.registerCommand('readiness.init', () => initChecklist(context)),
    vscode.commands.registerCommand('readiness.openChecklist', () => openChecklist(context)),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      if (e.affectsConfiguration('readiness.server.path')) {
        await stopClient();
        await startClient(context);
        return;
      }
      if (client?.isRunning()) {
        await client.sendNotification(DidChangeConfigurationNotification.type, { settings: serverOptions() });
      }
      scheduleStatus();
    }),
    vscode.workspace.onDidSaveTextDocument((d) => {
      if (d.languageId === 'markdown') scheduleStatus();
    }),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.languageId === 'markdown' && checklists.some((u) => u.toString() === e.document.uri.toString())) {
        scheduleStatus();
      }
    }),
    vscode.languages.onDidChangeDiagnostics(() => scheduleStatus()),
    { dispose: () => void stopClient() },
  );
  await startClient(context);
}

export async function deactivate(): Promise<void> {
  await stopClient();
}
