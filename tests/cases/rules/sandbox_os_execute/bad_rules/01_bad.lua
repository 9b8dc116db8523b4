-- 试图执行系统命令：沙箱中没有 os
local P = { name = "坏规则" }
os.execute("touch /tmp/kaoping-sandbox-escaped")
