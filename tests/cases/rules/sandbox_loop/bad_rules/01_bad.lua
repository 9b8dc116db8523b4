-- 死循环：指令预算用尽后停止
local P = { name = "坏规则" }
local n = 0
while true do end
