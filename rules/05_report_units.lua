-- 05_report_units.lua  双报到单位评价（双报到、双评价）
-- 数据：projects（“三张清单”：资源清单、需求清单、项目清单）、evaluations（对象类型 报到单位，
--       对象为单位名称）、people（角色 报到党员，报到单位）、services（报到党员的服务时长）
-- 结果：report_units；kaoping explain 单位名称 查看明细。

local P = {
  name = "双报到单位评价",

  -- 计分指标（合计 100 分）
  completion = { item = "三张清单项目完成", weight = 40 },  -- 年内完成 ÷（年内完成 + 尚未完成）
  rating     = { item = "社区和群众评价",   weight = 40 },  -- 评价平均分 ÷ 100
  members    = { item = "报到党员服务",     weight = 20, full_at = 8 },  -- 人均服务 8 小时得满分

  -- 等次：得分不低于 min 即为该等次（自上而下判断）
  levels = {
    { name = "好",   min = 85 },
    { name = "较好", min = 70 },
    { name = "一般", min = 60 },
    { name = "差",   min = 0 },
  },
  lists = { "资源清单", "需求清单", "项目清单" },

  -- 考评委员会加减分（adjustments.csv）的上限，见 common.lua：加分不超过 5 分，扣分不超过 10 分
  adjust = kp.common.adjust,
}

-- ===== 以下为计算过程 =====

if not kp.has("projects") and not kp.has("evaluations") then
  kp.warn(P.name .. "已跳过：没有共建项目数据（projects.csv）和评价数据（evaluations.csv）")
  return
end

local from, to = kp.period(kp.PERIOD)

local employers, seen = {}, {}
local function employer(name)
  if name and not seen[name] then
    seen[name] = { name = name, projects = 0, completed = 0, by_list = {}, members = 0, hours = 0 }
    employers[#employers + 1] = seen[name]
  end
  return seen[name]
end

-- projects of this year: completed in it, or still open
for _, r in ipairs(kp.query([[
  SELECT employer, coalesce(list, '未分清单') AS list, count(*) AS n,
         coalesce(sum(status = '完成' AND completed_at >= ? AND completed_at < ?), 0) AS done
  FROM projects
  WHERE (completed_at >= ? AND completed_at < ?) OR (completed_at IS NULL AND coalesce(status, '') <> '完成')
  GROUP BY employer, list ORDER BY employer, list]], from, to, from, to)) do
  local e = employer(r.employer)
  e.projects = e.projects + r.n
  e.completed = e.completed + r.done
  e.by_list[r.list] = r
end

local ratings = {}
for _, r in ipairs(kp.query([[
  SELECT target, avg(score) AS avg, count(*) AS n FROM evaluations
  WHERE target_kind = '报到单位' AND date >= ? AND date < ? GROUP BY target ORDER BY target]], from, to)) do
  employer(r.target)
  ratings[r.target] = r
end

for _, r in ipairs(kp.query([[
  SELECT p.employer, count(*) AS members, coalesce(sum(s.h), 0) AS hours
  FROM people p LEFT JOIN (SELECT person, sum(hours) AS h FROM services
                           WHERE date >= ? AND date < ? GROUP BY person) s ON s.person = p.id
  WHERE p.role = '报到党员' AND p.employer IS NOT NULL
  GROUP BY p.employer ORDER BY p.employer]], from, to)) do
  local e = employer(r.employer)
  e.members, e.hours = r.members, r.hours
end

table.sort(employers, function(a, b) return a.name < b.name end)
local card = kp.card(P.name)

for _, e in ipairs(employers) do
  local code = e.name
  local parts = {}
  for _, l in ipairs(P.lists) do
    local r = e.by_list[l]
    if r then parts[#parts + 1] = string.format("%s %d/%d", l, r.done, r.n) end
  end
  card:add{ entity = code, item = P.completion.item,
            inputs = e.projects > 0 and string.format("完成 %d/%d 项（%s）", e.completed, e.projects, table.concat(parts, "，"))
                     or kp.PERIOD.this .. "无共建项目",
            points = e.projects > 0 and P.completion.weight * e.completed / e.projects or 0,
            reason = string.format("完成率 × %s 分", P.completion.weight) }

  local rt = ratings[code]
  card:add{ entity = code, item = P.rating.item,
            inputs = rt and string.format("%d 份评价，平均 %s 分", rt.n, kp.fmt(rt.avg, 2)) or kp.PERIOD.this .. "无评价",
            points = rt and P.rating.weight * rt.avg / 100 or 0,
            reason = string.format("平均分 ÷ 100 × %s 分", P.rating.weight) }

  local avg = e.members > 0 and e.hours / e.members or 0
  card:add{ entity = code, item = P.members.item,
            inputs = e.members > 0 and string.format("%d 名报到党员共 %s 小时，人均 %s 小时", e.members,
                                                     kp.fmt(e.hours, 2), kp.fmt(avg, 2))
                     or "无报到党员",
            points = P.members.weight * math.min(1, avg / P.members.full_at),
            reason = string.format("人均时长 ÷ %s 小时 × %s 分（封顶满分）", P.members.full_at, P.members.weight) }

  kp.adjust(card, code, { kind = "报到单位", name = code }, P.adjust)
  local score = card:total(code)
  local level
  for _, l in ipairs(P.levels) do
    if score >= l.min then level = l.name; break end
  end
  card:publish(code, { kind = "报到单位",
    result = string.format("评价等次：%s", level or "未定") })
  kp.emit("report_units", { employer = code, projects = e.projects, completed = e.completed,
    rating = rt and kp.round(rt.avg, 2) or nil, score = score, level = level })
end
