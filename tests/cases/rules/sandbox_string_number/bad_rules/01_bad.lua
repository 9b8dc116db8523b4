-- 该填数值的地方填了文本
local P = { name = "坏规则" }
kp.emit("grid_tiers", { code = "G1", name = "和平一网格", score = "很高",
                        tier = "一档", funding = 30000 })
