-- :checkhealth readiness
local M = {}

function M.check()
  local readiness = require('readiness')
  local health = vim.health
  health.start('readiness')

  if vim.fn.has('nvim-0.11') == 1 then
    health.ok('Neovim ' .. tostring(vim.version()) .. ': vim.lsp.config / vim.lsp.enable')
  elseif vim.fn.has('nvim-0.10') == 1 then
    health.ok('Neovim ' .. tostring(vim.version()) .. ': use require("readiness").setup{}')
  else
    health.error('Neovim 0.10 or newer is required')
  end

  local found, bin = readiness.server_found()
  if not found then
    health.error('`' .. bin .. '` not found', {
      'Install it (cargo install --path server) or set vim.g.readiness_server_path',
    })
  else
    health.ok('binary: ' .. bin)
    local res = vim.system({ bin, '--version' }, { text = true }):wait(5000)
    if res.code == 0 then
      health.ok('version: ' .. vim.trim(res.stdout or ''))
    else
      health.error('`' .. bin .. ' --version` failed: ' .. vim.trim(res.stderr or ''))
    end
  end

  local buf = vim.api.nvim_get_current_buf()
  local root = vim.fs.root and vim.fs.root(buf, { 'readiness.toml', '.git' }) or nil
  if root then
    local toml = vim.uv.fs_stat(vim.fs.joinpath(root, 'readiness.toml')) ~= nil
    health.ok('workspace: ' .. root .. (toml and ' (readiness.toml)' or ' (no readiness.toml: defaults)'))
  else
    health.warn('no workspace: no readiness.toml or .git above ' .. vim.fn.getcwd(), {
      'Open a file inside a repository, or run :ReadinessInit',
    })
  end

  local clients = vim.lsp.get_clients({ name = 'readiness' })
  if #clients > 0 then
    health.ok('server running (client id ' .. clients[1].id .. ')')
  else
    health.info('server not attached to any buffer yet')
  end
end

return M
