-- 试图删除数据：规则的连接只读，只允许 SELECT
local P = { name = "坏规则" }
local rows = kp.query("SELECT count(*) AS n FROM events")
kp.query("DELETE FROM events")
