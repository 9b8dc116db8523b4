-- 无终止的递归：调用层数超过上限后停止（不会卡住）
local P = { name = "坏规则" }
local function f(n) return f(n + 1) + 1 end
f(1)
