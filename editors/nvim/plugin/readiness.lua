if vim.g.loaded_readiness then
  return
end
vim.g.loaded_readiness = true

vim.api.nvim_create_user_command('ReadinessInit', function(opts)
  require('readiness').init_checklist(opts.fargs)
end, { nargs = '*', desc = 'Create a readiness checklist (readiness init) in the workspace folder' })
