-- 03_property.lua  物业企业考评：红黑榜与约谈
-- 数据：companies、property_checks（社区党组织每季度按 13 项标准考评）、
--       complaints（涉及企业的投诉）、evaluations（对象类型 物业企业，业主评价）、incidents
-- 结果：redblack。得分为 13 项考评在各社区、各季度的平均（百分制），每项的贡献单列，
-- 可用 kaoping explain 统一社会信用代码 查看。规则不认识的考评项目只警告、不计分。

local P = {
  name = "物业企业考评",

  -- 计分的考评项目（property_checks.criterion）：标准的 13 项 kp.CRITERIA，即组织建设、队伍建设……业主满意；
  -- 只计其中几项时改为列表，如 criteria = { "组织建设", "服务质量", "业主满意" }
  criteria = kp.CRITERIA,

  -- 名单，自上而下判断，取第一个符合的（min：不低于；max：不高于）
  black = { name = "黑榜", veto_severity = "重大", score = { min = 60 } },  -- 发生重大事项，或得分未达 min
  red   = { name = "红榜", score = { min = 90 }, complaint_rate = { max = 3 }, satisfaction = { min = 85 } },  -- 三项同时达到
  talk  = { name = "约谈", score = { min = 75 }, complaint_rate = { max = 10 }, satisfaction = { min = 70 } },  -- 任一项未达到
  normal = { name = "一般" },
  -- 投诉率 = 年内涉及该企业的投诉件数 ÷ 服务户数 × 1000（‰）；业主满意度 = 业主评价平均分

  -- 投诉扣分：涉及企业的投诉每件扣 each 分，本项 full 分扣完为止（不再倒扣）
  complaint_deduct = { item = "投诉扣分", each = 0.5, full = 5 },

  -- 公示：考评年度次年 1 月 1 日公示，红榜、黑榜有效期 12 个月
  valid_months = 12,

  -- 考评委员会加减分（adjustments.csv）的上限，见 common.lua：加分不超过 5 分，扣分不超过 10 分
  adjust = kp.common.adjust,
}

-- ===== 以下为计算过程 =====

if not kp.need(P.name, { "companies", "property_checks" }) then return end

-- The period's quarters: the checks of the quarters that overlap kp.PERIOD.
local from, to = kp.period(kp.PERIOD)
local function quarter_of(date) return date:sub(1, 4) .. "Q" .. math.ceil(tonumber(date:sub(6, 7)) / 3) end
local q1, q4 = quarter_of(kp.PERIOD.start), quarter_of(kp.PERIOD["end"])
local marks = kp.marks(#P.criteria)

local function args(...)
  local t = { ... }
  for _, c in ipairs(P.criteria) do t[#t + 1] = c end
  return table.unpack(t)
end

-- Criteria the rule does not know: reported, not scored.
for _, r in ipairs(kp.query([[
  SELECT criterion, count(*) AS n FROM property_checks
  WHERE quarter >= ? AND quarter <= ? AND criterion NOT IN (]] .. marks .. [[)
  GROUP BY criterion ORDER BY criterion]], args(q1, q4))) do
  kp.warn(string.format("%s：考评项目“%s”（%d 条）不在规则的 %d 项标准之中，未计分",
                        P.name, r.criterion, r.n, #P.criteria))
end

-- Each criterion's share of the average: over the (community, quarter)
-- checks of a company, score / that check's total max x 100, summed and
-- divided by the number of checks.
local checks = {}
for _, r in ipairs(kp.query([[
  SELECT company, count(*) AS n FROM (SELECT DISTINCT company, community, quarter FROM property_checks
    WHERE quarter >= ? AND quarter <= ? AND criterion IN (]] .. marks .. [[) AND max > 0)
  GROUP BY company]], args(q1, q4))) do
  checks[r.company] = r.n
end
local contrib = {}
for _, r in ipairs(kp.query([[
  SELECT company, criterion, sum(score * 100.0 / m) AS points, sum(score) AS got, sum(max) AS max,
         count(*) AS cnt
  FROM (SELECT company, criterion, score, max,
               sum(max) OVER (PARTITION BY company, community, quarter) AS m
        FROM property_checks
        WHERE quarter >= ? AND quarter <= ? AND criterion IN (]] .. marks .. [[))
  WHERE m > 0
  GROUP BY company, criterion]], args(q1, q4))) do
  local c = contrib[r.company] or {}
  r.checks = checks[r.company]
  r.points = r.points / r.checks
  c[r.criterion] = r
  contrib[r.company] = c
end

local complaints = {}
if kp.has("complaints") then
  for _, r in ipairs(kp.query([[
    SELECT company, count(*) AS n FROM complaints
    WHERE company IS NOT NULL AND date >= ? AND date < ? GROUP BY company]], from, to)) do
    complaints[r.company] = r.n
  end
end

local satisfaction = {}
for _, r in ipairs(kp.query([[
  SELECT target, avg(score) AS avg, count(*) AS n FROM evaluations
  WHERE target_kind = '物业企业' AND date >= ? AND date < ? GROUP BY target]], from, to)) do
  satisfaction[r.target] = r
end

local incidents = {}
for _, r in ipairs(kp.query([[
  SELECT target, date, severity, description, id FROM incidents
  WHERE target_kind = '物业企业' AND date >= ? AND date < ? AND severity = ?
  ORDER BY date, id]], from, to, P.black.veto_severity)) do
  incidents[r.target] = incidents[r.target] or r
end

-- a date as documents and pages write it: 2025-04-08 -> 2025年4月8日
local function cn_date(d)
  local yy, mm, dd = tostring(d):match("^(%d%d%d%d)-(%d%d)-(%d%d)")
  return yy and string.format("%d年%d月%d日", tonumber(yy), tonumber(mm), tonumber(dd)) or tostring(d)
end

local listed_on = to   -- the day after the period
local valid_until = kp.query("SELECT date(?, ?, '-1 day') AS d", listed_on,
                             string.format("+%d months", P.valid_months))[1].d

local card = kp.card(P.name)
local companies = kp.query("SELECT code, name, coalesce(households, 0) AS households FROM companies ORDER BY code")

for _, co in ipairs(companies) do
  local c = contrib[co.code]
  local inc = incidents[co.code]
  if c or inc then
    local code = co.code
    for _, name in ipairs(P.criteria) do
      local r = c and c[name]
      if r then
        card:add{ entity = code, item = name,
                  inputs = string.format("%d 次考评共得 %s/%s 分", r.cnt, kp.fmt(r.got, 2), kp.fmt(r.max, 2)),
                  points = r.points,
                  reason = string.format("各社区各季度该项得分 ÷ 当次满分合计 × 100，按 %d 次考评平均", r.checks) }
      end
    end
    if not c then
      card:add{ entity = code, item = "季度考评", inputs = kp.PERIOD.this .. "无考评记录", points = 0,
                reason = "无考评记录记 0 分" }
    end
    -- 投诉扣分，扣完为止 (kp.deduct): the item's full points are what may be lost at most
    local n = complaints[code] or 0
    if n > 0 then
      local cd = P.complaint_deduct
      local left, over = kp.deduct(cd.full, n * cd.each)
      card:add{ entity = code, item = cd.item,
                inputs = string.format("投诉 %d 件", n),
                points = left - cd.full,
                reason = string.format("每件扣 %s 分，%s 分扣完为止%s", cd.each, cd.full,
                                       over > 0 and string.format("，超出 %s 分未计", kp.fmt(over, 2)) or "") }
    end
    kp.adjust(card, code, { kind = "物业企业", name = co.name }, P.adjust)
    local score = card:total(code)
    local rate = co.households > 0 and n * 1000 / co.households or nil
    local sat = satisfaction[code]
    local s = sat and sat.avg or nil

    local facts = {
      string.format("考评得分 %s 分", kp.fmt(score, 2)),
      rate and string.format("投诉率 %s‰（%d 件 / %d 户）", kp.fmt(rate, 2), n, co.households) or "无服务户数，投诉率不计",
      s and string.format("业主满意度 %s 分（%d 份评价）", kp.fmt(s, 2), sat.n) or "无业主评价",
    }
    local list, why
    if inc then
      list, why = P.black.name, string.format("%s发生%s事项（%s），一票否决", cn_date(inc.date), inc.severity, inc.description or inc.id)
    elseif score < P.black.score.min then
      list, why = P.black.name, string.format("考评得分 %s 分，低于 %s 分", kp.fmt(score, 2), P.black.score.min)
    elseif score >= P.red.score.min and rate ~= nil and rate <= P.red.complaint_rate.max
           and s ~= nil and s >= P.red.satisfaction.min then
      list, why = P.red.name, string.format("考评得分不低于 %s 分、投诉率不高于 %s‰、业主满意度不低于 %s 分",
                                            P.red.score.min, P.red.complaint_rate.max, P.red.satisfaction.min)
    else
      local t = {}
      if score < P.talk.score.min then t[#t + 1] = string.format("考评得分低于 %s 分", P.talk.score.min) end
      if rate ~= nil and rate > P.talk.complaint_rate.max then
        t[#t + 1] = string.format("投诉率高于 %s‰", P.talk.complaint_rate.max)
      end
      if s ~= nil and s < P.talk.satisfaction.min then
        t[#t + 1] = string.format("业主满意度低于 %s 分", P.talk.satisfaction.min)
      end
      if #t > 0 then
        list, why = P.talk.name, table.concat(t, "；")
      else
        list, why = P.normal.name, "未达到红榜条件，也无约谈情形"
      end
    end
    local reason = why .. "（" .. table.concat(facts, "，") .. "）"
    local published = list == P.red.name or list == P.black.name
    card:publish(code, { kind = "物业企业", name = co.name,
      result = list .. (published and string.format("（%s公示，有效期至%s）", cn_date(listed_on), cn_date(valid_until)) or "") ..
               "：" .. reason })
    kp.emit("redblack", { code = code, name = co.name, score = score,
      complaint_rate = rate and kp.round(rate, 2) or nil, satisfaction = s and kp.round(s, 2) or nil,
      list = list, reason = reason,
      listed_on = published and listed_on or nil, valid_until = published and valid_until or nil })
  end
end
