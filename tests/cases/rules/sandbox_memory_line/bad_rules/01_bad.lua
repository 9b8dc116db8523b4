-- 一次分配超出内存上限：报错须指明行号
local P = { name = "坏规则" }
local s = ("x"):rep(2^26)
local t = s .. s .. s .. s
