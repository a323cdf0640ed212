-- Headless harness: open one file with credls attached, wait for its diagnostics, print them
-- as one JSON line on stdout and quit. Works on Neovim 0.7.2 and later.
--
--   CREDLS_CMD='["python3","-m","credls","serve"]' CREDLS_FILE=path/to/.aws/credentials \
--     nvim --headless -u NONE -i NONE -n -c 'luafile editors/nvim/tests/diagnostics.lua'
--
-- Environment:
--   CREDLS_CMD        the server command, a JSON array (required)
--   CREDLS_FILE       the file to open (else the first file argument of nvim)
--   CREDLS_SETTINGS   JSON object for settings.credls (optional)
--   CREDLS_MODE       'setup' (require('credls').setup, any version; default) or
--                     'enable' (lsp/credls.lua + vim.lsp.enable, 0.11+)
--   CREDLS_MIN        diagnostics to wait for (default 1; 0 = the first report, even empty)
--   CREDLS_TIMEOUT_MS how long to wait (default 10000)
--
-- Exit status: 0 done, 1 timed out (the JSON says what was seen), 2 bad input or an error.

local function plugin_dir()
  -- This file is <plugin>/tests/diagnostics.lua.
  local source = debug.getinfo(1, 'S').source:gsub('^@', '')
  return vim.fn.fnamemodify(source, ':p:h:h')
end

local function emit(result)
  io.stdout:write(vim.fn.json_encode(result), '\n')
  io.stdout:flush()
end

local function credls_clients(bufnr)
  local found = {}
  local all = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr }) or vim.lsp.buf_get_clients(bufnr)
  for _, client in pairs(all) do
    if client.name == 'credls' then
      table.insert(found, client)
    end
  end
  return found
end

local function collect(bufnr)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(out, {
      lnum = d.lnum,
      col = d.col,
      end_lnum = d.end_lnum,
      end_col = d.end_col,
      severity = d.severity,
      code = d.code,
      source = d.source,
      message = d.message,
    })
  end
  table.sort(out, function(a, b)
    if a.lnum ~= b.lnum then
      return a.lnum < b.lnum
    end
    return a.col < b.col
  end)
  return out
end

-- Paths of the syntax scripts sourced so far, in order.
local function syntax_scripts()
  local found = {}
  for path in vim.fn.execute('scriptnames'):gmatch('%d+: ([^\n]*/syntax/[^\n]*)') do
    table.insert(found, path)
  end
  return found
end

local function decode_env(name, default)
  local raw = os.getenv(name)
  if raw == nil or raw == '' then
    return default
  end
  local ok, value = pcall(vim.fn.json_decode, raw)
  if not ok then
    error(string.format('%s is not valid JSON: %s', name, raw))
  end
  return value
end

local function run()
  local cmd = decode_env('CREDLS_CMD', nil)
  if type(cmd) ~= 'table' or #cmd == 0 then
    error('CREDLS_CMD must be a non-empty JSON array, e.g. ["credls","serve"]')
  end
  local file = os.getenv('CREDLS_FILE')
  if file == nil or file == '' then
    file = vim.fn.argv(0)
  end
  if file == nil or file == '' then
    error('no file: set CREDLS_FILE or pass a file argument')
  end
  local settings = decode_env('CREDLS_SETTINGS', vim.empty_dict())
  local mode = os.getenv('CREDLS_MODE') or 'setup'
  local min = tonumber(os.getenv('CREDLS_MIN') or '1')
  local timeout = tonumber(os.getenv('CREDLS_TIMEOUT_MS') or '10000')

  vim.opt.runtimepath:prepend(plugin_dir())
  vim.cmd('filetype on')
  vim.cmd('syntax on')

  local config = { cmd = cmd, settings = { credls = settings } }
  if mode == 'enable' then
    if vim.fn.has('nvim-0.11') == 0 then
      error('CREDLS_MODE=enable needs Neovim 0.11+ (vim.lsp.enable)')
    end
    vim.lsp.config('credls', config)
    vim.lsp.enable('credls')
  elseif mode == 'setup' then
    require('credls').setup(config)
  else
    error('CREDLS_MODE must be setup or enable, not ' .. mode)
  end

  -- (Re)read the file now that ftdetect and the FileType autocmds are in place.
  vim.cmd('edit! ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()

  local reports = 0
  vim.api.nvim_create_autocmd('DiagnosticChanged', {
    buffer = bufnr,
    callback = function()
      reports = reports + 1
    end,
  })

  local done = vim.wait(timeout, function()
    return reports > 0 and #vim.diagnostic.get(bufnr) >= min
  end, 20)

  local clients = credls_clients(bufnr)
  local result = {
    ok = done,
    nvim = tostring(vim.version().major) .. '.' .. vim.version().minor .. '.' .. vim.version().patch,
    file = vim.api.nvim_buf_get_name(bufnr),
    filetype = vim.bo[bufnr].filetype,
    syntax = vim.bo[bufnr].syntax,
    -- Which syntax script actually loaded (editors/nvim/syntax/confini.vim borrows dosini).
    current_syntax = vim.b[bufnr].current_syntax or vim.NIL,
    syntax_scripts = syntax_scripts(),
    attached = #clients,
    root_dir = clients[1] and clients[1].config.root_dir or vim.NIL,
    diagnostics = collect(bufnr),
  }

  for _, client in ipairs(clients) do
    if vim.fn.has('nvim-0.11') == 1 then
      client:stop()
    else
      client.stop()
    end
  end
  vim.wait(2000, function()
    return #credls_clients(bufnr) == 0
  end, 20)
  return result
end

local ok, result = pcall(run)
if not ok then
  emit({ ok = false, error = tostring(result) })
  vim.cmd('cquit 2')
end
emit(result)
if result.ok then
  vim.cmd('qall!')
else
  vim.cmd('cquit 1')
end
