-- 改写库函数：string、math、table、utf8 和 kp 只读
local P = { name = "坏规则" }
kp.fmt = function(x) return "100.00" end
