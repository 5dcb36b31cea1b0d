// Copies a readiness binary into server/<platform>-<arch>/ so the .vsix carries its own server
// (the extension looks there after the `readiness.server.path` setting and before PATH).
// Usage: node scripts/bundle-server.js [path/to/readiness]   (default: the workspace's release build)
'use strict';
const fs = require('fs');
const path = require('path');

const exe = process.platform === 'win32' ? 'readiness.exe' : 'readiness';
const targetDir = process.env.CARGO_TARGET_DIR || path.join(__dirname, '..', '..', '..', 'target');
const source = process.argv[2] || process.env.READINESS_BIN || path.join(targetDir, 'release', exe);
if (!fs.existsSync(source)) {
  console.error(`bundle-server: ${source} does not exist; build it first: cargo build --release -p readiness`);
  process.exit(2);
}
const destDir = path.join(__dirname, '..', 'server', `${process.platform}-${process.arch}`);
fs.mkdirSync(destDir, { recursive: true });
const dest = path.join(destDir, exe);
fs.copyFileSync(source, dest);
fs.chmodSync(dest, 0o755);
console.log(`bundle-server: ${source} -> ${path.relative(process.cwd(), dest)}`);
