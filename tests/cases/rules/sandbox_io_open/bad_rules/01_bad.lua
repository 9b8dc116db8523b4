-- 试图读写文件：沙箱中没有 io
local P = { name = "坏规则" }
local f = io.open("/etc/passwd", "r")
print(f:read("a"))
