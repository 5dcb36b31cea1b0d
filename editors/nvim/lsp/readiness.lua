-- Readiness language server, for Neovim 0.11+ (`vim.lsp.config` / `vim.lsp.enable`).
--
--   vim.lsp.enable('readiness')
--
-- Override anything with vim.lsp.config('readiness', { ... }), for example
--   vim.lsp.config('readiness', {
--     cmd = { '/path/to/readiness', 'lsp' },
--     init_options = { rules = { placeholder = 'off' }, checklists = { 'ops/**/*.md' } },
--   })
-- `vim.g.readiness_server_path` also sets the binary.
---@type vim.lsp.Config
return {
  -- Resolved when the server starts, so vim.g.readiness_server_path may be set later.
  cmd = function(dispatchers)
    return vim.lsp.rpc.start({ require('readiness').server_path(), 'lsp' }, dispatchers)
  end,
  -- `sh` is the filetype Neovim gives .env files.
  filetypes = { 'markdown', 'sh', 'yaml', 'dockerfile' },
  root_markers = { 'readiness.toml', '.git' },
  init_options = {
    -- rules = { ['stale-review'] = 'warning' },  -- code -> off|hint|info|warning|error
    -- checklists = { 'ops/**/*.md' },             -- extra checklist globs
    -- today = '2026-01-31',                      -- pin the date (tests)
  },
}
