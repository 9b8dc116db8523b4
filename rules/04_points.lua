-- 04_points.lua  积分制：按角色分类计分、角色内排名、“最美”候选
-- 数据：people；events（上报人、所属网格；读其汇总表 reporter_facts、event_facts）、
--       visits（走访人）、services（人员编号）、wishes（认领人）、projects（报到单位），缺者该项记 0 分
-- 结果：points（candidate = 1 为“最美”候选）；kaoping explain 人员编号 查看明细。

local P = {
  name = "积分制",

  -- 每个角色的计分项：metric 为下面“指标”之一，per 为每单位得分（负数为扣分），cap 为该项封顶
  -- （得分最多 cap 分，扣分最多扣 cap 分；超出部分在该项中注明“超出上限 x 分未计”）。
  -- 超期事件（网格员、网格长）每件扣 2 分，最多扣 20 分。
  -- 指标：events_valid 有效上报事件（年内已办结）；visits 入户走访户次；overdue 本网格超期事件；
  --       service_hours 志愿服务小时；wishes_done 完成认领的微心愿；projects_done 本人报到单位年内完成的共建项目
  roles = {
    ["网格员"] = {
      { metric = "events_valid", item = "有效上报事件", per = 1 },
      { metric = "visits", item = "入户走访", per = 0.5 },
      { metric = "overdue", item = "超期事件扣分", per = -2, cap = 20 },
    },
    ["网格长"] = {
      { metric = "events_valid", item = "有效上报事件", per = 1 },
      { metric = "visits", item = "入户走访", per = 0.5 },
      { metric = "overdue", item = "超期事件扣分", per = -2, cap = 20 },
    },
    ["兼职网格员"] = {
      { metric = "events_valid", item = "有效上报事件", per = 1 },
    },
    ["楼长"] = {
      { metric = "visits", item = "入户走访", per = 0.5 },
      { metric = "service_hours", item = "志愿服务", per = 1 },
    },
    ["报到党员"] = {
      { metric = "service_hours", item = "志愿服务", per = 1 },
      { metric = "wishes_done", item = "认领完成微心愿", per = 2 },
      { metric = "projects_done", item = "单位共建项目", per = 1, cap = 5 },
    },
    ["志愿者"] = {
      { metric = "service_hours", item = "志愿服务", per = 1 },
    },
  },

  -- 办结时限（小时），用于判断超期：年内超时办结，或到年底仍未办结且已超时。
  -- 与网格考核共用，在 common.lua 中修改，现为：网格 72、社区 120、街道 168、部门 240、
  -- 区级 360，未注明办结层级的 168。每名网格员、网格长按其所在网格的超期事件扣分
  -- （见上面 roles 中的 overdue 一项）。
  time_limit = kp.common.time_limit,
  default_hours = kp.common.default_hours,
  -- 时限只能取 kp.HOURS 之一、办结层级只能取 kp.LEVELS 之一，
  -- 由 common.lua 检查，不符合的运行即停止并指明行号。
  -- 两项考评各自的时限不再分别填写，以免一处修改、另一处遗漏。

  -- 考评委员会加减分（对象类型“人员”）的上限：年度加分合计、扣分合计各不超过 20 分
  adjust = { max_add = 20, max_sub = 20 },

  candidates = 3,        -- 每个角色积分前 3 名（并列同入、积分须大于 0）为“最美”候选
}

-- ===== 以下为计算过程 =====

-- The time limits were checked by common.lua: each is one of kp.HOURS, the limits that
-- event_facts counts (columns hN, aN). So the column names built from them below, with
-- string.format("h%d + a%d", hours, hours), always exist; the level names stay ? parameters.
-- An event is overdue when it was closed after its level's limit, or is still open at the
-- year's end and was reported more than the limit before it: n - (hN + aN) of its grid.
-- An event without a level gets default_hours. Late or open, it counts once, for its grid.
-- The grid is the event's grid, and a person's grid is people.unit (see metric overdue).
--
if not kp.need(P.name, { "people" }) then return end

local from, to = kp.period(kp.PERIOD)
local units = { events_valid = "件", visits = "户次", overdue = "件", service_hours = "小时",
                wishes_done = "个", projects_done = "个" }

local m = {}   -- metric -> id (or grid) -> value
for k in pairs(units) do m[k] = {} end

if kp.has("events") then
  -- from the facts summed up at ingest (never scan events); overdue = n - hN - aN, N the level's limit
  for _, r in ipairs(kp.query("SELECT reporter, sum(closed) AS v FROM period_reporter_facts WHERE p = 'cur' GROUP BY reporter")) do
    m.events_valid[r.reporter] = r.v
  end
  local lim, args = { "CASE level" }, {}
  for _, t in ipairs(P.time_limit) do
    lim[#lim + 1] = string.format("WHEN ? THEN h%d + a%d", t.hours, t.hours)
    args[#args + 1] = t.level
  end
  lim[#lim + 1] = string.format("ELSE h%d + a%d END", P.default_hours, P.default_hours)
  for _, r in ipairs(kp.query([[
    SELECT grid, sum(n - (]] .. table.concat(lim, " ") .. [[)) AS v
    FROM period_facts WHERE p = 'cur' GROUP BY grid]], table.unpack(args))) do
    m.overdue[r.grid] = r.v
  end
end
if kp.has("visits") then
  for _, r in ipairs(kp.query([[
    SELECT visitor, count(*) AS n FROM visits WHERE visitor IS NOT NULL AND date >= ? AND date < ?
    GROUP BY visitor]], from, to)) do m.visits[r.visitor] = r.n end
end
if kp.has("services") then
  for _, r in ipairs(kp.query([[
    SELECT person, sum(hours) AS h FROM services WHERE person IS NOT NULL AND date >= ? AND date < ?
    GROUP BY person]], from, to)) do m.service_hours[r.person] = r.h end
end
if kp.has("wishes") then
  for _, r in ipairs(kp.query([[
    SELECT claimed_by, count(*) AS n FROM wishes
    WHERE claimed_by IS NOT NULL AND completed_at >= ? AND completed_at < ? GROUP BY claimed_by]], from, to)) do
    m.wishes_done[r.claimed_by] = r.n
  end
end
if kp.has("projects") then
  for _, r in ipairs(kp.query([[
    SELECT employer, count(*) AS n FROM projects
    WHERE status = '完成' AND completed_at >= ? AND completed_at < ? GROUP BY employer]], from, to)) do
    m.projects_done[r.employer] = r.n
  end
end

local people = kp.query("SELECT id, name, role, unit, employer FROM people ORDER BY id")
local card = kp.card(P.name)
local by_role = {}

for _, p in ipairs(people) do
  local items = P.roles[p.role]
  if items then
    for _, it in ipairs(items) do
      local tbl = m[it.metric]
      if not tbl then error("P.roles 的“" .. p.role .. "”用了未知的指标“" .. tostring(it.metric) .. "”") end
      local key = p.id
      if it.metric == "overdue" then key = p.unit elseif it.metric == "projects_done" then key = p.employer end
      local v = key and tbl[key] or 0
      local pts, over = kp.per(v, { each = it.per, max = it.cap })
      local what = it.metric == "overdue" and ("所在网格 " .. p.unit .. " 超期 ") or
                   it.metric == "projects_done" and ((p.employer or "无报到单位") .. " 完成 ") or ""
      card:add{ entity = p.id, item = it.item,
                inputs = what .. (it.metric == "service_hours" and kp.fmt(v, 2) or tostring(v)) .. " " .. units[it.metric],
                points = pts,
                reason = string.format("每%s%s %s 分%s", units[it.metric], it.per < 0 and "扣" or "得",
                                       kp.fmt(math.abs(it.per), 2), it.cap and ("，最多" .. (it.per < 0 and "扣 " or " ") .. it.cap .. " 分") or "") ..
                         (over > 0 and ("，超出上限 " .. kp.fmt(over, 2) .. " 分未计") or "") }
    end
    kp.adjust(card, p.id, { kind = "人员", name = p.name }, P.adjust)
    local r = by_role[p.role] or {}
    r[#r + 1] = { code = p.id, score = card:total(p.id), p = p }
    by_role[p.role] = r
  end
end

local roles = {}
for role in pairs(by_role) do roles[#roles + 1] = role end
table.sort(roles)
for _, role in ipairs(roles) do
  local list = kp.rank(by_role[role])
  for _, x in ipairs(list) do
    local cand = x.rank <= P.candidates and x.score > 0
    card:publish(x.code, { kind = role, name = x.p.name,
      result = string.format("%s积分 %s 分，角色内第 %d 名（共 %d 人）%s", role, kp.fmt(x.score, 2), x.rank, #list,
                             cand and "，列为“最美" .. role .. "”候选" or "") })
    kp.emit("points", { id = x.code, name = x.p.name, role = role, unit = x.p.unit, points = x.score,
                        rank_in_role = x.rank, candidate = cand })
  end
end
