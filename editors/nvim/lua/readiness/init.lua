-- Readiness for Neovim: `require('readiness').setup{}` (Neovim 0.10 and 0.11+).
--
-- On 0.11+ setup{} only merges your options into the `readiness` config from
-- lsp/readiness.lua and enables it; on 0.10 it starts the client itself on FileType.
local M = {}

M.defaults = {
  -- Path to the `readiness` binary; nil means `vim.g.readiness_server_path`, else PATH.
  cmd = nil,
  filetypes = { 'markdown', 'sh', 'yaml', 'dockerfile' },
  root_markers = { 'readiness.toml', '.git' },
  -- Sent to the server as initializationOptions: { rules = {code = level}, checklists = {globs}, today = 'YYYY-MM-DD' }
  init_options = {},
}

M.options = vim.deepcopy(M.defaults)

--- The binary to run: setup{cmd=...}, vim.g.readiness_server_path, else `readiness` on PATH.
---@return string
function M.server_path()
  local cmd = M.options.cmd
  if type(cmd) == 'table' then
    cmd = cmd[1]
  end
  return cmd or vim.g.readiness_server_path or 'readiness'
end

--- Whether the binary can be run, and the resolved path.
---@return boolean, string
function M.server_found()
  local bin = M.server_path()
  local resolved = vim.fn.exepath(bin)
  if resolved ~= '' then
    return true, resolved
  end
  return false, bin
end

local function root_of(buf)
  local name = vim.api.nvim_buf_get_name(buf)
  if vim.fs.root then
    return vim.fs.root(name ~= '' and name or 0, M.options.root_markers)
  end
  local found = vim.fs.find(M.options.root_markers, { path = vim.fs.dirname(name), upward = true })[1]
  return found and vim.fs.dirname(found) or nil
end

--- The workspace folder of a buffer (readiness.toml or .git), else the current directory.
function M.root(buf)
  return root_of(buf or 0) or vim.fn.getcwd()
end

function M.setup(opts)
  M.options = vim.tbl_deep_extend('force', vim.deepcopy(M.defaults), opts or {})
  if vim.lsp.config and vim.lsp.enable then
    local override = {
      filetypes = M.options.filetypes,
      root_markers = M.options.root_markers,
      init_options = M.options.init_options,
    }
    vim.lsp.config('readiness', override)
    vim.lsp.enable('readiness')
    return
  end
  -- Neovim 0.10: start (or reuse) a client for each matching buffer.
  local group = vim.api.nvim_create_augroup('readiness_lsp', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = M.options.filetypes,
    callback = function(args)
      local root = root_of(args.buf)
      if not root then
        return
      end
      vim.lsp.start({
        name = 'readiness',
        cmd = { M.server_path(), 'lsp' },
        root_dir = root,
        init_options = M.options.init_options,
      }, { bufnr = args.buf })
    end,
  })
end

--- `:ReadinessInit`: runs `readiness init` in the workspace folder and shows what it said.
function M.init_checklist(args)
  local ok, bin = M.server_found()
  if not ok then
    vim.notify('readiness: `' .. bin .. '` not found; set vim.g.readiness_server_path', vim.log.levels.ERROR)
    return
  end
  local cmd = { bin, 'init' }
  for _, a in ipairs(args or {}) do
    table.insert(cmd, a)
  end
  local root = M.root(0)
  vim.system(cmd, { cwd = root, text = true }, function(res)
    vim.schedule(function()
      local out = vim.trim((res.stdout or '') .. '\n' .. (res.stderr or ''))
      if res.code == 0 then
        vim.notify('readiness init: ' .. (out ~= '' and out or 'done in ' .. root), vim.log.levels.INFO)
      else
        vim.notify('readiness init failed (' .. res.code .. '): ' .. out, vim.log.levels.ERROR)
      end
    end)
  end)
end

return M
