" Neovim before 0.10 has no confini syntax: borrow dosini's. Step aside when the runtime
" ships a real one (any other syntax/confini.vim on 'runtimepath').
if exists('b:current_syntax') || len(globpath(&runtimepath, 'syntax/confini.vim', 0, 1)) > 1
  finish
endif
runtime! syntax/dosini.vim
unlet! b:current_syntax
let b:current_syntax = 'confini'
