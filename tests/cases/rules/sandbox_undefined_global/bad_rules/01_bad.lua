-- 参数名拼写错误：读取未定义的变量即报错（过去静默地读到 nil，分数线变成 0）
local threshold = 60
local line = threshhold or 0
kp.warn("分数线：" .. line)
