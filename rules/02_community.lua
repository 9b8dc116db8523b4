-- 02_community.lua  社区考评：全县排名（含名次变化）与“五星”支部评定
-- 数据：units、events（读其汇总表 event_facts）、evaluations（对象类型 社区）、wishes、
--       services、complaints、projects、branches、incidents（均可缺，缺者该项记 0 分或该星条件不达标）
-- 结果：community_ranking、community_stars；上年名次用同一套规则按上一年数据计算。
-- 一票否决：本年度社区（或其网格）发生“重大”事项的，照常显示得分，但不评星、不奖励、
-- 排名置于所有未被否决的社区之后（vetoed = 1）。

local P = {
  name = "社区考评",

  -- 计分指标（合计 100 分）
  -- 辖区网格事件办结率按档计分：自上而下取第一个达到的档（min 为不低于，百分数；最后一档
  -- 不写 min，即“以下”）：95% 及以上 20 分，90%–95% 16 分，85%–90% 12 分，85% 以下 0 分
  closure    = { item = "网格事件办结率", weight = 20,
                 steps = { { min = 95, points = 20 }, { min = 90, points = 16 },
                           { min = 85, points = 12 }, { points = 0 } } },
  residents  = { item = "居民满意度",     weight = 25 },           -- 居民对社区评价的平均分 ÷ 100
  wishes     = { item = "微心愿完成率",   weight = 15 },           -- 年内发布的微心愿中已完成的比例
  service    = { item = "志愿服务时长",   weight = 15, full_at = 50 },  -- 每百户服务时长，达 50 小时得满分
  complaints = { item = "投诉解决率",     weight = 10 },           -- 无投诉得满分
  projects   = { item = "共建项目",       weight = 15, full_at = 3 },   -- 报到单位年内完成项目数，3 个得满分
  -- 安全稳定扣分：社区（或其网格）发生下列等级的事项，每起扣 each 分，最多扣 max 分
  -- （“重大”事项另行一票否决，见 veto_severity）
  safety     = { item = "安全稳定扣分", severities = { "一般", "较大" }, each = 2, max = 10 },

  -- “五星”：每颗星的全部条件都达到才得星（min：不低于；max：不高于；比率以百分数计，90 即 90%）
  stars = {
    { name = "支部过硬", criteria = {
        { metric = "branch_coverage", label = "网格党组织覆盖率", min = 100, unit = "%" } } },
    { name = "共建共享", criteria = {
        { metric = "projects_done", label = "完成共建项目", min = 2, unit = "个" },
        { metric = "wish_rate", label = "微心愿完成率", min = 90, unit = "%" } } },
    { name = "平安法治", criteria = {
        { metric = "serious_incidents", label = "较大及以上事项", max = 0, unit = "件" },
        { metric = "closure_rate", label = "事件办结率", min = 95, unit = "%" } } },
    { name = "幸福和谐", criteria = {
        { metric = "resident_score", label = "居民满意度", min = 90, unit = "分" },
        { metric = "service_per100", label = "每百户志愿服务", min = 20, unit = "小时" } } },
    { name = "宜业兴业", criteria = {
        { metric = "complaint_rate", label = "投诉解决率", min = 90, unit = "%" },
        { metric = "business_services", label = "暖新及就业服务", min = 2, unit = "次" } } },
  },
  branch_kinds = { "网格党支部", "功能型党支部" },     -- 计入网格党组织覆盖的党组织类型
  business_kinds = { "暖新服务", "就业服务", "创业指导" },  -- 计入“宜业兴业”的服务类型

  -- 奖励：自上而下取第一个达到的星数
  awards = {
    { stars = 5, name = "五星支部", amount = 100000 },
    { stars = 4, name = "四星支部", amount = 20000 },
  },
  veto_severity = "重大",

  -- 考评委员会加减分（adjustments.csv）的上限，见 common.lua：加分不超过 5 分，扣分不超过 10 分
  adjust = kp.common.adjust,
  -- 街道汇总：被一票否决的社区如何计入所在街道的社区平均分（街道排名、简报、通报、网站）
  --   "exclude"：不计入平均分，街道注明“不含被否决社区”（默认）
  --   "zero"：按 0 分计入；"keep"：按其得分计入
  street = { vetoed = "exclude" },
}

-- ===== 以下为计算过程 =====

if not kp.need(P.name, { "units" }) then return end

if P.street.vetoed ~= "exclude" and P.street.vetoed ~= "zero" and P.street.vetoed ~= "keep" then
  error("street.vetoed 只能是 \"exclude\"、\"zero\" 或 \"keep\"")
end
kp.emit("settings", { key = "street.vetoed", value = P.street.vetoed })

local communities = kp.query([[
  SELECT c.code, c.name, coalesce(c.households, 0) AS households, s.name AS street
  FROM units c LEFT JOIN units s ON s.code = c.parent
  WHERE c.level = 'community' ORDER BY c.code]])
if #communities == 0 then
  kp.warn(P.name .. "已跳过：units 中没有社区")
  return
end

local grid_of = {}   -- grid code -> community code
for _, r in ipairs(kp.query("SELECT code, parent FROM units WHERE level = 'grid'")) do
  grid_of[r.code] = r.parent
end

-- the community of a unit column: a grid's parent, else the unit itself
local COMMUNITY = "CASE u.level WHEN 'grid' THEN u.parent ELSE u.code END"

local function by_code(rows, key)
  local t = {}
  for _, r in ipairs(rows) do t[r[key or "community"]] = r end
  return t
end

-- 网格党组织覆盖 does not depend on the year.
local cover = by_code(kp.query([[
  SELECT g.parent AS community, count(*) AS grids,
         sum(EXISTS (SELECT 1 FROM branches b WHERE b.unit = g.code AND b.kind IN (]] ..
           kp.marks(#P.branch_kinds) .. [[))) AS covered
  FROM units g WHERE g.level = 'grid' GROUP BY g.parent]], table.unpack(P.branch_kinds)))

-- Events by grid, from the facts summed up at ingest (never scan events): reported in the
-- year and closed in it; summed up to the community here.
local events = {}
local function load_events(p)
  for _, r in ipairs(kp.query([[
    SELECT grid, sum(n) AS n, sum(closed) AS closed
    FROM period_facts WHERE p = ?
    GROUP BY grid]], p)) do
    local c = grid_of[r.grid]
    if c then
      local key = p .. "/" .. c
      local e = events[key] or { n = 0, closed = 0 }
      e.n, e.closed = e.n + r.n, e.closed + r.closed
      events[key] = e
    end
  end
end
load_events("cur")
if kp.has_year(kp.PERIOD.last_year.year) then load_events("last_year") end

-- The data of one period (kp.PERIOD or kp.PERIOD.last_year), by community.
local function gather(per)
  local from, to = kp.period(per)
  local d = {}
  d.residents = by_code(kp.query([[
    SELECT target AS community, avg(score) AS avg, count(*) AS n FROM evaluations
    WHERE target_kind = '社区' AND date >= ? AND date < ? GROUP BY target]], from, to))
  d.wishes = by_code(kp.query([[
    SELECT ]] .. COMMUNITY .. [[ AS community, count(*) AS n,
           coalesce(sum(w.completed_at < ?), 0) AS done
    FROM wishes w JOIN units u ON u.code = w.unit
    WHERE w.published_at >= ? AND w.published_at < ? GROUP BY 1]], to, from, to))
  local args = { table.unpack(P.business_kinds) }
  args[#args + 1], args[#args + 2] = from, to
  d.services = by_code(kp.query([[
    SELECT ]] .. COMMUNITY .. [[ AS community, coalesce(sum(s.hours), 0) AS hours,
           coalesce(sum(s.kind IN (]] .. kp.marks(#P.business_kinds) .. [[)), 0) AS business
    FROM services s JOIN units u ON u.code = s.unit
    WHERE s.date >= ? AND s.date < ? GROUP BY 1]], table.unpack(args)))
  d.complaints = by_code(kp.query([[
    SELECT ]] .. COMMUNITY .. [[ AS community, count(*) AS n, coalesce(sum(c.resolved), 0) AS resolved
    FROM complaints c JOIN units u ON u.code = c.unit
    WHERE c.date >= ? AND c.date < ? GROUP BY 1]], from, to))
  d.projects = by_code(kp.query([[
    SELECT community, count(*) AS done FROM projects
    WHERE status = '完成' AND completed_at >= ? AND completed_at < ? GROUP BY community]], from, to))
  d.safety = {}
  for _, r in ipairs(kp.query([[
    SELECT CASE target_kind WHEN '网格' THEN (SELECT parent FROM units WHERE code = target)
           ELSE target END AS community, count(*) AS n FROM incidents
    WHERE date >= ? AND date < ? AND target_kind IN ('社区', '网格')
      AND severity IN (]] .. kp.marks(#P.safety.severities) .. [[) GROUP BY 1]],
      from, to, table.unpack(P.safety.severities))) do
    d.safety[r.community] = r.n
  end
  d.incidents = {}
  for _, r in ipairs(kp.query([[
    SELECT id, date, target_kind, target, severity, description FROM incidents
    WHERE date >= ? AND date < ? AND severity IN ('较大', '重大') AND target_kind IN ('社区', '网格')
    ORDER BY date, id]], from, to)) do
    local c = r.target_kind == "网格" and grid_of[r.target] or r.target
    local l = d.incidents[c] or {}
    l[#l + 1] = r
    d.incidents[c] = l
  end
  return d
end

-- 办结率按档计分 (kp.step): the rate in percent, rounded to 2 decimals as it is shown, so
-- that a rate shown as 95.00% earns the 95 line's points.
local function step_points(num, den)
  return (kp.step(kp.round(num * 100 / den, 2), P.closure.steps))
end
local function step_reason(num, den)
  if den == 0 then return "办结率按档计分；无数据记 0 分" end
  local pts, s = kp.step(kp.round(num * 100 / den, 2), P.closure.steps)
  if s.min then return string.format("办结率不低于 %s%%，得 %s 分（按档计分）", s.min, pts) end
  return string.format("办结率低于 %s%%，得 %s 分（按档计分）", P.closure.steps[#P.closure.steps - 1].min, pts)
end

local function fmt_metric(v, unit)
  if v == nil then return "无数据" end
  if unit == "%" then return kp.fmt(v * 100, 2) .. "%" end
  if unit == "个" or unit == "件" or unit == "次" then return kp.fmt(v, 0) .. " " .. unit end
  return kp.fmt(v, 2) .. " " .. unit
end

local known = { closure_rate = 1, resident_score = 1, wish_rate = 1, service_per100 = 1,
                complaint_rate = 1, projects_done = 1, branch_coverage = 1,
                serious_incidents = 1, business_services = 1 }

-- Scores one year on `card`; returns the list of communities with score,
-- metrics, stars and veto. The same function ranks the previous year.
local function assess(per, card)
  local d = gather(per)
  local p = per == kp.PERIOD and "cur" or "last_year"
  local list = {}
  for _, c in ipairs(communities) do
    local code = c.code
    local ev = events[p .. "/" .. code] or { n = 0, closed = 0 }
    local res = d.residents[code]
    local wi = d.wishes[code] or { n = 0, done = 0 }
    local sv = d.services[code] or { hours = 0, business = 0 }
    local co = d.complaints[code] or { n = 0, resolved = 0 }
    local pj = d.projects[code] or { done = 0 }
    local cv = cover[code] or { grids = 0, covered = 0 }
    local inc = d.incidents[code] or {}
    local per100 = c.households > 0 and sv.hours * 100 / c.households or 0
    local m = {     -- the metrics that star criteria may use; nil = no data
      closure_rate = ev.n > 0 and ev.closed / ev.n or nil,
      resident_score = res and res.avg or nil,
      wish_rate = wi.n > 0 and wi.done / wi.n or nil,
      service_per100 = per100,
      complaint_rate = co.n > 0 and co.resolved / co.n or 1,
      projects_done = pj.done,
      branch_coverage = cv.grids > 0 and cv.covered / cv.grids or nil,
      serious_incidents = #inc,
      business_services = sv.business,
    }

    card:add{ entity = code, item = P.closure.item,
              inputs = ev.n > 0 and string.format("办结 %d/%d 件（%s）", ev.closed, ev.n, kp.pct(ev.closed, ev.n))
                       or kp.PERIOD.this .. "无网格事件",
              points = ev.n > 0 and step_points(ev.closed, ev.n) or 0,
              reason = step_reason(ev.closed, ev.n) }
    card:add{ entity = code, item = P.residents.item,
              inputs = res and string.format("%d 份评价，平均 %s 分", res.n, kp.fmt(res.avg, 2)) or "无居民评价",
              points = res and P.residents.weight * res.avg / 100 or 0,
              reason = string.format("平均分 ÷ 100 × %s 分", P.residents.weight) }
    card:add{ entity = code, item = P.wishes.item,
              inputs = wi.n > 0 and string.format("完成 %d/%d 个（%s）", wi.done, wi.n, kp.pct(wi.done, wi.n))
                       or kp.PERIOD.this .. "无微心愿",
              points = wi.n > 0 and P.wishes.weight * wi.done / wi.n or 0,
              reason = string.format("完成率 × %s 分", P.wishes.weight) }
    card:add{ entity = code, item = P.service.item,
              inputs = string.format("%s 小时 / %d 户，每百户 %s 小时", kp.fmt(sv.hours, 2), c.households, kp.fmt(per100, 2)),
              points = P.service.weight * math.min(1, per100 / P.service.full_at),
              reason = string.format("每百户时长 ÷ %s 小时 × %s 分（封顶满分）", P.service.full_at, P.service.weight) }
    card:add{ entity = code, item = P.complaints.item,
              inputs = co.n > 0 and string.format("解决 %d/%d 件（%s）", co.resolved, co.n, kp.pct(co.resolved, co.n))
                       or kp.PERIOD.this .. "无投诉",
              points = P.complaints.weight * m.complaint_rate,
              reason = string.format("解决率 × %s 分（无投诉得满分）", P.complaints.weight) }
    card:add{ entity = code, item = P.projects.item,
              inputs = string.format("完成 %d 个", pj.done),
              points = P.projects.weight * math.min(1, pj.done / P.projects.full_at),
              reason = string.format("完成数 ÷ %s 个 × %s 分（封顶满分）", P.projects.full_at, P.projects.weight) }

    -- 安全稳定：每起扣分，最多扣 max 分 (kp.per: the part over the cap is shown, not dropped)
    local ns = d.safety[code] or 0
    local lost, over = kp.per(ns, { each = -P.safety.each, max = P.safety.max })
    card:add{ entity = code, item = P.safety.item,
              inputs = ns > 0 and string.format("%s事项 %d 起", table.concat(P.safety.severities, "、"), ns)
                       or kp.PERIOD.this .. "无" .. table.concat(P.safety.severities, "、") .. "事项",
              points = lost,
              reason = string.format("每起扣 %s 分，最多扣 %s 分%s", P.safety.each, P.safety.max,
                                     over > 0 and string.format("，超出上限 %s 分未计", kp.fmt(over, 2)) or "") }

    -- stars, each from its own criteria
    local stars, earned = {}, {}
    for _, s in ipairs(P.stars) do
      local ok, why = true, {}
      for _, cr in ipairs(s.criteria) do
        local v = m[cr.metric]
        if known[cr.metric] == nil then
          error("P.stars 的“" .. s.name .. "”用了未知的指标“" .. tostring(cr.metric) .. "”")
        end
        local lo, hi = cr.min, cr.max   -- a rate's threshold is written in percent: 90 is 0.9
        if cr.unit == "%" then lo, hi = lo and lo / 100, hi and hi / 100 end
        local met = v ~= nil and (lo == nil or v >= lo) and (hi == nil or v <= hi)
        ok = ok and met
        if lo == nil and hi == 0 and v ~= nil then
          -- "none allowed": 无较大及以上事项，达标 / 较大及以上事项 1 件，未达标
          why[#why + 1] = v == 0 and string.format("无%s，达标", cr.label)
            or string.format("%s %s，未达标（要求为无）", cr.label, fmt_metric(v, cr.unit))
        else
          why[#why + 1] = string.format("%s %s（%s%s）%s", cr.label, fmt_metric(v, cr.unit),
            lo ~= nil and "≥" or "≤", fmt_metric(lo or hi, cr.unit), met and "达标" or "未达标")
        end
      end
      stars[#stars + 1] = { star = s.name, earned = ok, reason = table.concat(why, "；") }
      if ok then earned[#earned + 1] = s.name end
    end

    local veto
    for _, r in ipairs(inc) do
      if r.severity == P.veto_severity then
        -- as a document says it: 2025年10月31日北关社区发生重大事项（…）; a
        -- description already in brackets is not bracketed again
        local y, mo, dd = tostring(r.date):match("^(%d%d%d%d)-(%d%d)-(%d%d)")
        local when = y and string.format("%d年%d月%d日", tonumber(y), tonumber(mo), tonumber(dd))
                     or tostring(r.date)
        local what = c.name
        if r.target ~= code then   -- one of its grids: named, not coded
          local g = kp.query("SELECT name FROM units WHERE code = ?", r.target)[1]
          what = g and g.name or (r.target_kind .. r.target)
        end
        local desc = tostring(r.description or r.id)
        veto = string.format(desc:find("（", 1, true) and "%s%s发生%s事项：%s" or "%s%s发生%s事项（%s）",
                             when, what, r.severity, desc)
        break
      end
    end
    kp.adjust(card, code, { kind = "社区", name = c.name, period = per }, P.adjust)
    list[#list + 1] = { code = code, name = c.name, street = c.street, score = card:total(code),
                        stars = stars, earned = earned, veto = veto, vetoed = veto ~= nil }
  end
  kp.rank(list, { last = "vetoed" })
  return list
end

local card = kp.card(P.name)
local list = assess(kp.PERIOD, card)

-- The previous year's ranks, by the same rules on that year's data.
local prev = {}
if kp.has_year(kp.PERIOD.last_year.year) then
  for _, r in ipairs(assess(kp.PERIOD.last_year, kp.card(P.name .. "（上年）"))) do prev[r.code] = r.rank end
end

for _, r in ipairs(list) do
  local nstars = r.vetoed and 0 or #r.earned
  local award
  if not r.vetoed then
    for _, a in ipairs(P.awards) do
      if nstars >= a.stars then award = string.format("%s（工作经费奖励 %d 元）", a.name, a.amount); break end
    end
  end
  local prev_rank = prev[r.code]
  local change = prev_rank and prev_rank - r.rank or nil

  local lines = {}
  local move = ""
  if change then
    move = string.format("，上年第 %d 名，%s", prev_rank,
      change > 0 and ("上升 " .. change .. " 位") or change < 0 and ("下降 " .. -change .. " 位") or "名次不变")
  end
  lines[1] = string.format("全县第 %d 名%s", r.rank, move)
  if r.vetoed then
    lines[#lines + 1] = "一票否决：" .. r.veto .. "，不评星、不奖励，排名置后"
  else
    lines[#lines + 1] = string.format("%d 星%s%s", nstars, nstars > 0 and "：" or "", table.concat(r.earned, "、"))
    if award then lines[#lines + 1] = "奖励：" .. award end
  end
  for _, s in ipairs(r.stars) do
    lines[#lines + 1] = string.format("%s星%s：%s", s.star,
      r.vetoed and "（否决）" or s.earned and "（得星）" or "（未得）", s.reason)
  end
  card:publish(r.code, { kind = "社区", name = r.name, result = table.concat(lines, "\n") })

  kp.emit("community_ranking", {
    code = r.code, name = r.name, street = r.street, score = r.score, rank = r.rank,
    prev_rank = prev_rank, rank_change = change, stars = nstars,
    star_names = (not r.vetoed and nstars > 0) and table.concat(r.earned, "、") or nil,
    award = award, vetoed = r.vetoed, veto_reason = r.veto })
  for _, s in ipairs(r.stars) do
    kp.emit("community_stars", { code = r.code, star = s.star, earned = s.earned and not r.vetoed,
      reason = r.vetoed and ("一票否决；" .. s.reason) or s.reason })
  end
end
