-- common.lua  各考评共用的参数：不是一项考评，每个考评文件运行前先运行本文件，
-- 其返回的参数表即规则中的 kp.common。网格考核（按时办结）与积分制（超期事件扣分）
-- 都按这里的办结时限计算，改一处即两处同时生效。

local C = {
  -- 各办结层级的办结时限（小时）：网格预警、社区吹哨、街道统筹、部门报到、区级办结。
  -- 层级只能取 kp.LEVELS（网格、社区、街道、部门、区级）之一；
  -- 时限只能取 kp.HOURS（24、48、72、120、168、240、360、720）之一：事件汇总表只按这些时限计数。
  time_limit = {
    { level = "网格", hours = 72 },
    { level = "社区", hours = 120 },
    { level = "街道", hours = 168 },
    { level = "部门", hours = 240 },
    { level = "区级", hours = 360 },
  },
  default_hours = 168,              -- 未注明办结层级的事件

  -- 考评委员会加减分（adjustments.csv）的上限：每个对象年度加分合计不超过 max_add 分、
  -- 扣分合计不超过 max_sub 分；超出部分逐条注明“超出上限 x 分未计”，不悄悄丢弃。
  -- 不设上限即删去该项。网格、社区、物业企业、报到单位共用；积分制另设（见 04_points.lua）。
  adjust = { max_add = 5, max_sub = 10 },
}

-- ===== 以下为参数检查 =====

-- Each limit must be one that event_facts counts (columns hN, aN), each level one that events have.
local function check(name, v, allowed, what)
  for _, a in ipairs(allowed) do if v == a then return end end
  error(string.format("参数 %s = %s 无效：%s只能取 %s 之一", name, tostring(v), what, table.concat(allowed, "、")))
end
for i, t in ipairs(C.time_limit) do
  check(string.format("time_limit[%d].level", i), t.level, kp.LEVELS, "办结层级")
  check(string.format("time_limit[%d].hours（%s）", i, t.level), t.hours, kp.HOURS, "办结时限（小时）")
end
check("default_hours", C.default_hours, kp.HOURS, "办结时限（小时）")

return C
