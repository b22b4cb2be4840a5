-- Headless Neovim check: the configuration users paste (mlops_report.lua) must bring the
-- server's findings into vim.diagnostic for a report.
--   nvim --headless --clean -u tests/editors/nvim_check.lua REPORT.md
-- Env: MLOPS_REPORT_CONFIG (the configuration to load), MLOPS_REPORT_OUT (JSON written here).
-- Writes {diagnostics = [{code, source, message, lnum}], hover = "..."} and exits 0, or 1 on timeout.
dofile(os.getenv("MLOPS_REPORT_CONFIG"))
local out = os.getenv("MLOPS_REPORT_OUT")
local hover_line = tonumber(os.getenv("MLOPS_REPORT_HOVER_LINE") or "0")

local function finish(code, payload)
  local f = assert(io.open(out, "w"))
  f:write(vim.fn.json_encode(payload))
  f:close()
  vim.cmd(code == 0 and "qall!" or ("cquit! " .. code))
end

vim.api.nvim_create_autocmd("VimEnter", {
  once = true,
  callback = function()
    local buf = vim.api.nvim_get_current_buf()
    local arrived = vim.wait(20000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
    if not arrived then
      finish(1, { error = "no diagnostics within 20 s", filetype = vim.bo[buf].filetype,
                  clients = #vim.tbl_keys(vim.lsp.buf_get_clients(buf)) })
      return
    end
    local found = {}
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      local lsp = d.user_data and d.user_data.lsp or {}
      table.insert(found, { code = d.code or lsp.code, source = d.source, message = d.message, lnum = d.lnum })
    end
    local hover = vim.lsp.buf_request_sync(buf, "textDocument/hover", {
      textDocument = { uri = vim.uri_from_bufnr(buf) },
      position = { line = hover_line, character = 5 },
    }, 5000)
    local text = ""
    for _, response in pairs(hover or {}) do
      local contents = response.result and response.result.contents
      if type(contents) == "table" then text = contents.value or vim.fn.json_encode(contents) end
    end
    for _, client in pairs(vim.lsp.buf_get_clients(buf)) do client.stop() end
    finish(0, { diagnostics = found, hover = text, nvim = tostring(vim.version().major) .. "." .. vim.version().minor })
  end,
})
