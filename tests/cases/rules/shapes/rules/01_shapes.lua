-- The scoring shapes of rules/README.md on fixed values, printed one a line.
local out = {}
local function say(s) out[#out + 1] = s end

-- Step table: >= 95 10 分, 90-94 8 分, 85-89 6 分, below 0 分; a value equal to a line
-- earns that line's points (min is >=).
local steps = { { min = 95, points = 10 }, { min = 90, points = 8 }, { min = 85, points = 6 }, { points = 0 } }
for _, x in ipairs({ 100, 95, 94.99, 90, 89.99, 85, 84.99, 0 }) do
  say(string.format("step %s -> %s", kp.fmt(x, 2), kp.step(x, steps)))
end

-- Points per occurrence with a cap: 每起 2 分，最高 20 分.
for _, n in ipairs({ 0, 9, 10, 11, 30 }) do
  local pts, over = kp.per(n, { each = 2, max = 20 })
  say(string.format("per %d -> %s (not counted %s)", n, pts, over))
end
local pts, over = kp.per(12, { each = -2, max = 20 })
say(string.format("per -2 x 12 -> %s (not counted %s)", pts, over))

-- Deductions down to zero: 满分 10 分，扣完为止.
for _, lost in ipairs({ 0, 4, 10, 14 }) do
  local p, o = kp.deduct(10, lost)
  say(string.format("deduct 10 - %d -> %s (not counted %s)", lost, p, o))
end

-- Tiers by share: 10 grids, 一档 30 %, 二档 40 %, 三档 the rest; places 3 and 4 tie at 85.
local function grids()
  local s = { 95, 90, 85, 85, 80, 75, 70, 65, 60, 55 }
  local l = {}
  for i, v in ipairs(s) do l[i] = { code = string.format("G%02d", i), score = v } end
  return l
end
for _, ties in ipairs({ "down", "up" }) do
  local l = kp.tiers(grids(), { by = "share", ties = ties,
    { name = "一档", share = 30 }, { name = "二档", share = 40 }, { name = "三档" } })
  local t = {}
  for _, g in ipairs(l) do t[#t + 1] = g.code .. "=" .. g.tier.name end
  say("share ties=" .. ties .. ": " .. table.concat(t, " "))
end
-- Tiers by score line, for comparison: 一档 >= 85, 二档 >= 70, 三档.
local l = kp.tiers(grids(), { { name = "一档", min = 85 }, { name = "二档", min = 70 }, { name = "三档" } })
local t = {}
for _, g in ipairs(l) do t[#t + 1] = g.code .. "=" .. g.tier.name end
say("score: " .. table.concat(t, " "))

for i, s in ipairs(out) do kp.emit("settings", { key = string.format("%02d", i), value = s }) end
