" AWS shared credentials/config files are `confini`, as in Neovim 0.11+'s own runtime;
" Neovim 0.7-0.10 have no rule for them. `*.credentials` is credls' own convention.
autocmd BufNewFile,BufRead */.aws/credentials,*/.aws/config,*.credentials setfiletype confini
