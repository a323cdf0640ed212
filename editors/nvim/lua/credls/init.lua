-- credls for Neovim 0.7+ without nvim-lspconfig.
--
--   require('credls').setup({ settings = { credls = { knownProfiles = { 'ci' } } } })
--
-- On 0.11+ this defers to `vim.lsp.config` + `vim.lsp.enable` with lsp/credls.lua. On
-- 0.7-0.10 it starts one client per project root with `vim.lsp.start_client` (0.7 has no
-- `vim.lsp.start`) and, because 0.7 neither advertises `workspace/configuration` nor sends
-- `workspace/didChangeConfiguration` by itself, pushes the settings in `on_init`.

local M = {}

M.defaults = {
  cmd = { 'credls', 'serve' },
  filetypes = { 'confini', 'dosini', 'ps1' },
  root_markers = { '.credls.toml', 'pyproject.toml', '.git' },
  settings = { credls = {} },
}

-- root_dir -> client id, so buffers of one project share a server.
local clients = {}

--- Options over the defaults: lists (cmd, filetypes, ...) are replaced, never merged by
--- index; `settings` is merged deeply.
local function merge(opts)
  local config = vim.deepcopy(M.defaults)
  for key, value in pairs(opts or {}) do
    if key == 'settings' then
      config.settings = vim.tbl_deep_extend('force', config.settings, value)
    else
      config[key] = value
    end
  end
  return config
end

--- The nearest directory holding the first marker found, as vim.fs.root does on 0.10+
--- (0.7 has no vim.fs). Falls back to the buffer's directory.
local function find_root(bufnr, markers)
  local name = vim.api.nvim_buf_get_name(bufnr)
  local start = name ~= '' and vim.fn.fnamemodify(name, ':p:h') or vim.fn.getcwd()
  for _, marker in ipairs(markers) do
    local found = vim.fn.finddir(marker, start .. ';')
    if found == '' then
      found = vim.fn.findfile(marker, start .. ';')
    end
    if found ~= '' then
      local full = vim.fn.fnamemodify(found, ':p'):gsub('[/\\]$', '')
      return vim.fn.fnamemodify(full, ':h')
    end
  end
  return start
end

local function notify(client, method, params)
  if vim.fn.has('nvim-0.11') == 1 then
    return client:notify(method, params)
  end
  return client.notify(method, params)
end

local function client_config(config, root)
  local user_on_init = config.on_init
  local user_before_init = config.before_init
  return {
    name = 'credls',
    cmd = config.cmd,
    root_dir = root,
    settings = config.settings,
    init_options = config.init_options,
    capabilities = config.capabilities,
    handlers = config.handlers,
    on_attach = config.on_attach,
    before_init = function(params, cfg)
      if params.initializationOptions == nil then
        params.initializationOptions = cfg.settings.credls
      end
      if user_before_init then
        user_before_init(params, cfg)
      end
    end,
    on_init = function(client, result)
      notify(client, 'workspace/didChangeConfiguration', { settings = client.config.settings })
      if user_on_init then
        return user_on_init(client, result)
      end
    end,
  }
end

--- Attach credls to `bufnr`, starting a client for its project root if needed.
function M.attach(bufnr, config)
  if vim.bo[bufnr].buftype ~= '' then
    return nil
  end
  local root = find_root(bufnr, config.root_markers)
  local id = clients[root]
  if id == nil or vim.lsp.client_is_stopped(id) then
    id = vim.lsp.start_client(client_config(config, root))
    if id == nil then
      return nil
    end
    clients[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

function M.setup(opts)
  local config = merge(opts)
  if vim.fn.has('nvim-0.11') == 1 and vim.lsp.config ~= nil then
    vim.lsp.config('credls', config)
    vim.lsp.enable('credls')
    return
  end
  local group = vim.api.nvim_create_augroup('credls', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = config.filetypes,
    callback = function(args)
      M.attach(args.buf, config)
    end,
  })
  -- Buffers opened before setup() ran already had their FileType event.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(config.filetypes, vim.bo[bufnr].filetype) then
      M.attach(bufnr, config)
    end
  end
end

return M
