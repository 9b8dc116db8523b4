-- 01_grid.lua  网格考核：按得分分三个等次落实网格工作经费
-- 数据：units（网格及户数）、events（网格事件，读其汇总表 event_facts）、visits（敲门走访，可缺）
-- 结果：grid_tiers；每项得分记入 score_items，可用 kaoping explain 网格编码 查看
-- 修改权重、时限、档次线或经费只需改下面的 P 表，不必读后面的代码。

local P = {
  name = "网格考核",

  -- 办结时限（小时）：各办结层级一个时限，未注明层级的事件另有一个。与积分制共用，
  -- 在 common.lua 中修改，现为：网格 72、社区 120、街道 168、部门 240、区级 360，其他 168。
  -- “按时办结”即在所办结层级的时限内办结（办结时间与上报时间之差，按小时计）；
  -- 网站和 PDF 报告中的按时办结率也按这些时限计算（结果表 settings 的 deadline_hours.*）。
  time_limit = kp.common.time_limit,
  default_hours = kp.common.default_hours,

  -- 小事不出网格：在第一级办结层级（kp.LEVELS[1]，即“网格”）办结的事件，
  -- 占年内办结事件的比例
  grid_level = kp.LEVELS[1],

  -- 指标与满分（合计 100 分）
  closure      = { item = "事件办结率",   weight = 25 },  -- 年内办结件数 / 上报件数
  on_time      = { item = "按时办结率",   weight = 20 },  -- 时限内办结 / 办结件数
  in_grid      = { item = "小事不出网格", weight = 15 },  -- 在网格层级办结 / 办结件数
  knock        = { item = "敲门行动",     weight = 15, rounds = 4 },  -- 每轮入户覆盖率之和 / 要求轮次
  satisfaction = { item = "群众满意度",   weight = 15, satisfied_at = 4 },  -- 评价 ≥4（满意、非常满意）的占比
  activity     = { item = "每百户上报",   weight = 10, full_at = 20,      -- 每百户上报达 20 件得满分
                   sources = { "网格员上报", "随手拍", "巡查" } },       -- 计入的事件来源

  -- 考评委员会加减分的上限（common.lua：加分不超过 5 分，扣分不超过 10 分）
  adjust = kp.common.adjust,

  -- 三个等次：得分不低于 min 即入该档（自上而下判断）；funding 为年度网格工作经费（元）。
  -- 按比例分档时改为 by = "share"，各档写 share（占网格总数的百分比，最后一档不写），例如
  --   tiers = { by = "share", { name = "一档", share = 30, funding = 30000 },
  --             { name = "二档", share = 40, funding = 20000 }, { name = "三档", funding = 10000 } },
  -- 名额为 网格数 × 累计比例 向下取整；在分界处得分相同的网格不拆开，同入较低一档
  -- （比例是上限，“一档不超过 30%”）；要同入较高一档，加 ties = "up"。
  tiers = {
    { name = "一档", min = 85, funding = 30000 },
    { name = "二档", min = 70, funding = 20000 },
    { name = "三档", min = 0,  funding = 10000 },
  },
}

-- ===== 以下为计算过程 =====

-- The time limits were checked by common.lua: each is one of kp.HOURS, the limits that
-- event_facts counts (columns hN, aN), and each level one of kp.LEVELS. So a column name
-- built from a limit below, with string.format("h%d", hours), always exists; every other
-- value, the level names included, stays a ? parameter of the query.
-- A limit outside kp.HOURS stops the run before any assessment, with an error naming
-- common.lua and its line: 时限不在 kp.HOURS 之中的，运行即停止。
-- The same limits give the overdue events of 04_points.lua (积分制 超期事件扣分).
-- 以下为网格考核的计算。

if not kp.need(P.name, { "units", "events" }) then return end

-- The period: kp.PERIOD (a year, a quarter or a month; kaoping run --period), [from, to).
local from, to = kp.period(kp.PERIOD)

-- CASE level WHEN ? THEN hN ... ELSE hN END: the events closed within their level's limit
local on_time, args, limit_text = { "CASE level" }, {}, {}
for _, t in ipairs(P.time_limit) do
  on_time[#on_time + 1] = string.format("WHEN ? THEN h%d", t.hours)
  args[#args + 1] = t.level
  limit_text[#limit_text + 1] = t.level .. " " .. t.hours
end
on_time[#on_time + 1] = string.format("ELSE h%d END", P.default_hours)
local satisfied = {}   -- the columns sK of the ratings K >= satisfied_at
for k = 1, 5 do if k >= P.satisfaction.satisfied_at then satisfied[#satisfied + 1] = "s" .. k end end
args[#args + 1] = P.grid_level
for _, v in ipairs(P.activity.sources) do args[#args + 1] = v end

-- The period's events by grid, from the facts summed up at ingest (never scan events):
-- period_facts holds them for the period (p = 'cur'), the one before and a year before.
local ev = {}
for _, r in ipairs(kp.query([[
  SELECT grid, sum(n) AS n, sum(closed) AS closed,
         sum(]] .. table.concat(on_time, " ") .. [[) AS on_time,
         sum(CASE WHEN level = ? THEN closed ELSE 0 END) AS in_grid,
         sum(rated) AS rated,
         sum(]] .. (#satisfied > 0 and table.concat(satisfied, " + ") or "0") .. [[) AS satisfied,
         sum(CASE WHEN source IN (]] .. kp.marks(#P.activity.sources) .. [[) THEN n ELSE 0 END) AS reports
  FROM period_facts WHERE p = 'cur' GROUP BY grid]], table.unpack(args))) do
  ev[r.grid] = r
end

-- Door knocks: households reached per round.
local knocks = {}
if kp.has("visits") then
  for _, r in ipairs(kp.query([[
    SELECT grid, round, count(DISTINCT household) AS hh FROM visits
    WHERE date >= ? AND date < ? GROUP BY grid, round ORDER BY grid, round]], from, to)) do
    local k = knocks[r.grid] or {}
    k[#k + 1] = r
    knocks[r.grid] = k
  end
else
  kp.warn(P.name .. "：没有敲门走访数据（visits.csv），敲门行动一项均记 0 分")
end

local grids = kp.query([[
  SELECT g.code, g.name, coalesce(g.households, 0) AS households,
         c.name AS community, s.name AS street
  FROM units g LEFT JOIN units c ON c.code = g.parent LEFT JOIN units s ON s.code = c.parent
  WHERE g.level = 'grid' ORDER BY g.code]])

local card = kp.card(P.name)

local function rate_item(code, m, num, den, what, reason)
  if den == 0 then
    card:add{ entity = code, item = m.item, inputs = kp.PERIOD.this .. "无" .. what, points = 0,
              reason = reason .. "；无数据记 0 分" }
  else
    card:add{ entity = code, item = m.item,
              inputs = string.format("%s %d/%d 件（%s）", what, num, den, kp.pct(num, den)),
              points = m.weight * num / den, reason = reason }
  end
end

for _, g in ipairs(grids) do
  local e = ev[g.code] or { n = 0, closed = 0, on_time = 0, in_grid = 0, rated = 0, satisfied = 0, reports = 0 }
  local c = g.code

  rate_item(c, P.closure, e.closed, e.n, "办结",
            string.format("办结率 × %s 分", P.closure.weight))
  rate_item(c, P.on_time, e.on_time, e.closed, "按时办结",
            string.format("按时办结率 × %s 分（时限：%s 小时）", P.on_time.weight, table.concat(limit_text, "、")))
  rate_item(c, P.in_grid, e.in_grid, e.closed, "网格内办结",
            string.format("网格层级办结占比 × %s 分", P.in_grid.weight))

  -- 敲门行动: sum of per-round coverage (each at most 100%) over the required rounds
  local k, parts, cover = knocks[c] or {}, {}, 0
  for _, r in ipairs(k) do
    parts[#parts + 1] = string.format("第%d轮 %d/%d 户", r.round, r.hh, g.households)
    if g.households > 0 then cover = cover + math.min(1, r.hh / g.households) end
  end
  cover = math.min(1, cover / P.knock.rounds)
  card:add{ entity = c, item = P.knock.item,
            inputs = (#parts > 0 and table.concat(parts, "，") or "无走访记录") ..
                     string.format("；要求 %d 轮", P.knock.rounds),
            points = P.knock.weight * cover,
            reason = string.format("各轮入户覆盖率之和 ÷ %d 轮 × %s 分（封顶满分）", P.knock.rounds, P.knock.weight) }

  rate_item(c, P.satisfaction, e.satisfied, e.rated, "满意",
            string.format("满意率（评价 ≥%d）× %s 分", P.satisfaction.satisfied_at, P.satisfaction.weight))

  local per100 = g.households > 0 and e.reports * 100 / g.households or 0
  card:add{ entity = c, item = P.activity.item,
            inputs = string.format("上报 %d 件 / %d 户，每百户 %s 件", e.reports, g.households, kp.fmt(per100, 2)),
            points = P.activity.weight * math.min(1, per100 / P.activity.full_at),
            reason = string.format("每百户上报 ÷ %s 件 × %s 分（封顶满分；来源：%s）",
                                   P.activity.full_at, P.activity.weight, table.concat(P.activity.sources, "、")) }

  kp.adjust(card, c, { kind = "网格", name = g.name }, P.adjust)
  g.score = card:total(c)
end

kp.rank(grids)
kp.tiers(grids, P.tiers)

for _, g in ipairs(grids) do
  card:publish(g.code, { kind = "网格", name = g.name,
    result = string.format("%s，网格工作经费 %d 元（全县第 %d 名）", g.tier.name, g.tier.funding, g.rank) })
  kp.emit("grid_tiers", { code = g.code, name = g.name, community = g.community, street = g.street,
                          score = g.score, rank = g.rank, tier = g.tier.name, funding = g.tier.funding })
end

-- The time limits, for the reports: the site and the PDFs count "on time" the same way.
for _, t in ipairs(P.time_limit) do
  kp.emit("settings", { key = "deadline_hours." .. t.level, value = tostring(t.hours) })
end
kp.emit("settings", { key = "deadline_hours.其他", value = tostring(P.default_hours) })
-- The tier lines, for the charts' bands (the rule's lines, not the lowest scores);
-- tiers by share have no line: the chart then shows the lowest score of each.
for _, t in ipairs(P.tiers) do
  if P.tiers.by ~= "share" and type(t.min) == "number" then
    kp.emit("settings", { key = "tier_min." .. t.name, value = tostring(t.min) })
  end
end
