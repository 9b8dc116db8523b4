-- 病态模式：回溯匹配的工作量在运行前估算，超出预算即停止（不会卡住）
local P = { name = "坏规则" }
local s = ("a"):rep(3000)
local i = string.find(s, ("a*"):rep(25) .. "b")
