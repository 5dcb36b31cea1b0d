-- nvim --headless -u NONE -l test.lua BIN WORKSPACE PLUGIN_DIR
-- Loads the plugin from PLUGIN_DIR (editors/nvim) the way a user's runtimepath would, then
-- checks diagnostics, a hover and a code action on WORKSPACE/readiness.md.
local bin, ws, plugin = arg[1], arg[2], arg[3]
local failures = 0
local pending = {}
local function say(s)
  io.stdout:write(s .. '\n')
end
local function check(cond, what, detail)
  if cond then
    say('ok    ' .. what)
  else
    failures = failures + 1
    say('FAIL  ' .. what .. (detail and (': ' .. detail) or ''))
  end
  return cond
end
-- Hover and code actions: failures, unless READINESS_EDITOR_STRICT=0 (a server without them yet).
local function expect_server(cond, what, detail)
  if cond or os.getenv('READINESS_EDITOR_STRICT') ~= '0' then
    return check(cond, what, detail)
  end
  table.insert(pending, what)
  say('PENDING ' .. what .. ': ' .. (detail or 'the server returns nothing yet'))
  return false
end

if os.getenv('READINESS_NVIM_DEBUG') then
  vim.lsp.set_log_level('debug')
end
vim.opt.runtimepath:prepend(plugin)
vim.cmd('runtime plugin/readiness.lua')
vim.cmd('filetype on')
check(vim.fn.exists(':ReadinessInit') == 2, ':ReadinessInit is defined')

-- The plugin's own config (lsp/readiness.lua) with the binary and a fixed date.
vim.g.readiness_server_path = bin
vim.lsp.config('readiness', { init_options = { today = '2026-01-15' } })
vim.lsp.enable('readiness')
local cfg = vim.lsp.config.readiness
check(cfg and vim.tbl_contains(cfg.filetypes, 'markdown'), 'lsp/readiness.lua found on the runtimepath')

vim.cmd('edit ' .. vim.fn.fnameescape(ws .. '/readiness.md'))
local buf = vim.api.nvim_get_current_buf()

local client
check(vim.wait(15000, function()
  client = vim.lsp.get_clients({ bufnr = buf, name = 'readiness' })[1]
  return client ~= nil and client.initialized
end, 50), 'the readiness client attaches to readiness.md')
if not client then
  say('FAIL  no client; log: ' .. vim.lsp.get_log_path())
  os.exit(1)
end
check(client.root_dir == ws or vim.fs.normalize(client.root_dir or '') == vim.fs.normalize(ws),
  'root is the folder with readiness.toml', client.root_dir)

local want = { 'env-mismatch', 'missing-evidence', 'broken-link' }
local function codes()
  local seen = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    seen[tostring(d.code)] = d
  end
  return seen
end
vim.wait(20000, function()
  local seen = codes()
  for _, c in ipairs(want) do
    if not seen[c] then
      return false
    end
  end
  return true
end, 100)
local seen = codes()
for _, c in ipairs(want) do
  check(seen[c] ~= nil, 'diagnostic ' .. c, 'got: ' .. table.concat(vim.tbl_keys(seen), ', '))
end
for _, d in ipairs(vim.diagnostic.get(buf)) do
  say(string.format('      %d:%d %s [%s] %s', d.lnum + 1, d.col + 1,
    vim.diagnostic.severity[d.severity], tostring(d.code), (d.message:gsub('\n', ' / '))))
end

local function line_of(pattern)
  for i, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    if l:find(pattern, 1, true) then
      return i - 1, l
    end
  end
end

-- Hover on a task.
local row = line_of('Backups scripted')
local params = {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  position = { line = row, character = 10 },
}
local res = client:request_sync('textDocument/hover', params, 5000, buf)
local hover = res and res.result
local text = ''
if hover and hover.contents then
  local c = hover.contents
  text = type(c) == 'string' and c or c.value or (c[1] and (c[1].value or c[1])) or ''
end
if expect_server(text ~= '', 'hover on a task', vim.inspect(res)) then
  say('      hover: ' .. text:gsub('\n', ' | '):sub(1, 200))
end

-- Code action on the missing-evidence finding: "Mark as not done" turns [x] into [ ].
local diag = seen['missing-evidence']
local before = vim.api.nvim_buf_get_lines(buf, row, row + 1, false)[1]
local lsp_diags = {}
for _, d in ipairs(vim.diagnostic.get(buf, { lnum = diag and diag.lnum or row })) do
  table.insert(lsp_diags, d.user_data and d.user_data.lsp or nil)
end
local cres = client:request_sync('textDocument/codeAction', {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  range = { start = { line = row, character = 0 }, ['end'] = { line = row, character = #before } },
  context = { diagnostics = lsp_diags, only = { 'quickfix' } },
}, 5000, buf)
local actions = (cres and cres.result) or {}
local titles = {}
for _, a in ipairs(actions) do
  table.insert(titles, a.title)
end
say('      code actions: ' .. table.concat(titles, '; '))
local chosen
for _, a in ipairs(actions) do
  if a.title and a.title:lower():find('not done', 1, true) then
    chosen = a
  end
end
chosen = chosen or actions[1]
if expect_server(chosen ~= nil, 'code actions offered for missing-evidence', vim.inspect(cres)) then
  if not chosen.edit and client:supports_method('codeAction/resolve') then
    local r = client:request_sync('codeAction/resolve', chosen, 5000, buf)
    chosen = (r and r.result) or chosen
  end
  if chosen.edit then
    vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding)
  elseif chosen.command then
    client:exec_cmd(chosen.command, { bufnr = buf })
    vim.wait(2000, function() return false end)
  end
  local after = vim.api.nvim_buf_get_lines(buf, row, row + 1, false)[1]
  check(after ~= before, 'code action "' .. chosen.title .. '" changed the buffer', before .. ' -> ' .. after)
  say('      ' .. before .. '  ->  ' .. after)
end

-- :checkhealth readiness finds the binary, its version and the workspace.
vim.cmd('checkhealth readiness')
local report = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
check(report:find('binary: ' .. bin, 1, true) ~= nil, ':checkhealth readiness finds the binary')
check(report:find('version: readiness', 1, true) ~= nil, ':checkhealth readiness shows the version')
check(report:find('workspace: ', 1, true) ~= nil, ':checkhealth readiness finds the workspace')
if failures > 0 then
  say(report)
end
vim.cmd('bwipeout')

-- The server shuts down cleanly.
client:stop()
vim.wait(3000, function() return client:is_stopped() end, 50)
check(client:is_stopped(), 'server stopped on request')

if #pending > 0 then
  say('pending server features: ' .. table.concat(pending, ', ') .. ' (READINESS_EDITOR_STRICT=0 let them pass)')
end
say(string.format('%d failed', failures))
os.exit(failures == 0 and 0 or 1)
