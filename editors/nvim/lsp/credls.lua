---@brief
---
--- credls: language server for AWS shared credentials/config files and AWS Tools for
--- PowerShell scripts.
---
--- Install the server (Python 3.10+): `pipx install credls`. Then, on Neovim 0.11+:
--- ```lua
--- vim.opt.runtimepath:prepend('/path/to/credls/editors/nvim')
--- vim.lsp.enable('credls')
--- ```
---
--- Settings are the keys of `.credls.toml` in camelCase, under `credls`:
--- ```lua
--- vim.lsp.config('credls', {
---   settings = { credls = { knownProfiles = { 'ci-deploy' }, platform = 'windows' } },
--- })
--- ```
--- `~/.aws/credentials` and `~/.aws/config` have filetype `confini`, `*.ini` files
--- `dosini`, PowerShell scripts `ps1`.

---@type vim.lsp.Config
return {
  cmd = { 'credls', 'serve' },
  filetypes = { 'confini', 'dosini', 'ps1' },
  root_markers = { '.credls.toml', 'pyproject.toml', '.git' },
  settings = { credls = {} },
  -- The server also reads its settings from initializationOptions (interfaces.md), which
  -- keeps them in step with `settings` however the user overrides them.
  before_init = function(params, config)
    if params.initializationOptions == nil and config.settings then
      params.initializationOptions = config.settings.credls
    end
  end,
}
