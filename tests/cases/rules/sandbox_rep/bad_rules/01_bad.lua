-- 失控的内存分配：超出内存上限
local P = { name = "坏规则" }
local s = string.rep("x", 1e10)
