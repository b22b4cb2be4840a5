-- mlops-report in Neovim 0.7 or newer: one server for all Markdown buffers.
-- Put this in your init.lua; it needs the `mlops-report` command on PATH.
local mlops_report_client
vim.api.nvim_create_autocmd("FileType", {
  pattern = "markdown",
  callback = function(args)
    if not (mlops_report_client and vim.lsp.get_client_by_id(mlops_report_client)) then
      mlops_report_client = vim.lsp.start_client({
        name = "mlops-report",
        cmd = { "mlops-report", "serve" },
        root_dir = vim.fn.getcwd(),
        settings = { mlopsReport = { edition = "auto", figuresDir = "figures" } },
      })
    end
    if mlops_report_client then vim.lsp.buf_attach_client(args.buf, mlops_report_client) end
  end,
})
