-- 试图加载模块：沙箱中没有 require
local P = { name = "坏规则" }

local lfs = require("os")
lfs.remove("/tmp/x")
