/* schema.c - the exchange format of SPEC §1 as tables of column definitions. */
#include "schema.h"

#include <string.h>

#include "parse.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define REQ  COL_REQUIRED
#define RNG  COL_RANGE

static const struct schema_col units[] = {
	{"code", "单元编码|编码|单位编码|组织编码|单位代码|组织机构编码|部门编码", "单元编码",
	 COL_CODE, REQ, 0, 0, NULL, REF_NONE},
	{"name", "名称|单元名称|单位名称|组织名称|组织机构名称|部门名称", "名称", COL_TEXT, REQ, 0,
	 0, NULL, REF_NONE},
	{"level", "层级|级别|类型|单位层级|组织层级|单位级别|单位类型|组织类型", "层级", COL_ENUM,
	 REQ, 0, 0,
	 "county=区县=县区=县=区=县级=区级=市辖区=职能部门=部门|street=街道=乡镇=镇=街道办事处|"
	 "community=社区=村居=村=社区居委会|grid=网格",
	 REF_NONE},
	{"parent",
	 "上级编码|上级单元|上级|父级编码|上级单位|上级单位编码|上级单位名称|上级组织|所属上级|"
	 "父级|上级部门",
	 "上级编码", COL_CODE, 0, 0, 0, NULL, REF_PARENT},
	{"households", "户数|住户数|总户数", "户数", COL_INT, RNG, 0, 1e9, NULL, REF_NONE},
	{"population", "人口|人口数|常住人口", "人口", COL_INT, RNG, 0, 1e10, NULL, REF_NONE},
};

static const struct schema_col companies[] = {
	{"code", "统一社会信用代码|信用代码|企业编码", "统一社会信用代码", COL_CREDIT, REQ, 0, 0,
	 NULL, REF_NONE},
	{"name", "企业名称|名称", "企业名称", COL_TEXT, REQ, 0, 0, NULL, REF_NONE},
	{"projects", "在管小区数|在管项目数|小区数", "在管小区数", COL_INT, RNG, 0, 1e6, NULL,
	 REF_NONE},
	{"households", "服务户数|户数", "服务户数", COL_INT, RNG, 0, 1e9, NULL, REF_NONE},
};

static const struct schema_col people[] = {
	{"id", "人员编号|编号", "人员编号", COL_CODE, REQ, 0, 0, NULL, REF_NONE},
	{"name", "姓名|名称", "姓名", COL_TEXT, REQ, 0, 0, NULL, REF_NONE},
	{"role", "角色|身份|人员类型", "角色", COL_ENUM, REQ, 0, 0,
	 "网格长|网格员=专职网格员|兼职网格员|楼长=楼栋长=单元长=红色楼长|报到党员=在职党员="
	 "双报到党员|"
	 "志愿者|社区书记=社区党委书记=党组织书记",
	 REF_NONE},
	{"unit", "所属单元|所属网格|所属社区|单元编码|所属单位|所在网格|所在社区", "所属单元",
	 COL_CODE, REQ, 0, 0, NULL, REF_UNIT},
	{"party_member", "是否党员|党员", "是否党员", COL_BOOL, 0, 0, 0, NULL, REF_NONE},
	{"phone", "手机号|手机|电话|联系电话", "手机号", COL_TEXT, 0, 0, 0, NULL, REF_NONE},
	{"id_card", "身份证号|身份证|证件号码", "身份证号", COL_TEXT, 0, 0, 0, NULL, REF_NONE},
	{"employer", "报到单位|工作单位", "报到单位", COL_TEXT, 0, 0, 0, NULL, REF_NONE},
};

static const struct schema_col branches[] = {
	{"code", "党组织编码|编码", "党组织编码", COL_CODE, REQ, 0, 0, NULL, REF_NONE},
	{"name", "名称|党组织名称", "名称", COL_TEXT, REQ, 0, 0, NULL, REF_NONE},
	{"unit", "所属单元|单元编码", "所属单元", COL_CODE, REQ, 0, 0, NULL, REF_UNIT},
	{"kind", "类型|党组织类型", "类型", COL_ENUM, REQ, 0, 0,
	 "社区党委|网格党支部=小区党支部=网格（小区）党支部|楼栋党小组=党小组|功能型党支部|"
	 "物业企业党支部",
	 REF_NONE},
	{"members", "党员数|党员人数", "党员数", COL_INT, RNG, 0, 1e7, NULL, REF_NONE},
	{"company", "所属企业|企业|企业名称", "所属企业", COL_CODE, 0, 0, 0, NULL, REF_COMPANY},
};

static const struct schema_col events[] = {
	{"id", "事件编号|编号|事件id|工单编号|事件单号|案件编号|案卷编号|案件号|任务号", "事件编号",
	 COL_CODE, REQ, 0, 0, NULL, REF_NONE},
	{"grid", "所属网格|网格编码|网格|网格编号|所属网格编码|网格名称|所在网格|责任网格",
	 "所属网格", COL_CODE, REQ, 0, 0, NULL, REF_GRID},
	{"category",
	 "事件类型|类型|事件类别|事件分类|问题类型|大类名称|小类名称|问题分类|案件类型|事件大类",
	 "事件类型", COL_TEXT, 0, 0, 0, NULL, REF_NONE},
	{"source", "来源|事件来源|上报渠道|来源渠道|问题来源|案件来源", "来源", COL_TEXT, 0, 0, 0,
	 NULL, REF_NONE},
	{"reported_at", "上报时间|上报日期|受理时间|发现时间|创建时间|登记时间", "上报时间",
	 COL_DATETIME, REQ, 0, 0, NULL, REF_NONE},
	{"closed_at",
	 "办结时间|办结日期|结案时间|办结完成时间|处置结束时间|处置完成时间|实际办结时间",
	 "办结时间", COL_DATETIME, 0, 0, 0, NULL, REF_NONE},
	{"level", "办结层级|处置层级|结案层级|办理层级|处置单位层级", "办结层级", COL_ENUM, 0, 0, 0,
	 "网格|社区|街道|部门=职能部门|区级=区县=县级", REF_NONE},
	{"reporter", "上报人|上报人编号", "上报人", COL_CODE, 0, 0, 0, NULL, REF_PERSON},
	{"satisfaction", "满意度|群众满意度|满意度评价|回访满意度|回访结果|评价结果", "满意度",
	 COL_INT, RNG, 1, 5, NULL, REF_NONE},
	/* Platform columns: a status whose void values (作废…) keep the row out
	 * of every figure, a per-event deadline that decides on-time, and the
	 * street and community that pick a grid among several of the same name. */
	{"status", "状态|当前阶段|案件状态|办理状态|事件状态|处置状态|当前状态", "当前阶段",
	 COL_TEXT, 0, 0, 0, NULL, REF_NONE},
	{"deadline", "处置截止时间|办结时限|应办结时间|截止时间|处置时限|办理时限", "处置截止时间",
	 COL_DATETIME, 0, 0, 0, NULL, REF_NONE},
	{"street", "所属街道|街道|街道名称|所在街道", "所属街道", COL_TEXT, 0, 0, 0, NULL,
	 REF_NONE},
	{"community", "所属社区|社区|社区名称|所在社区", "所属社区", COL_TEXT, 0, 0, 0, NULL,
	 REF_NONE},
};

static const struct schema_col services[] = {
	{"id", "服务编号|编号", "服务编号", COL_CODE, REQ, 0, 0, NULL, REF_NONE},
	{"unit", "服务单元|所属单元|所属社区", "服务单元", COL_CODE, REQ, 0, 0, NULL, REF_UNIT},
	{"team", "服务队|志愿服务队", "服务队", COL_TEXT, 0, 0, 0, NULL, REF_NONE},
	{"person", "人员编号|志愿者编号", "人员编号", COL_CODE, 0, 0, 0, NULL, REF_PERSON},
	{"kind", "服务类型|类型", "服务类型", COL_TEXT, 0, 0, 0, NULL, REF_NONE},
	{"date", "服务日期|日期", "服务日期", COL_DATE, REQ, 0, 0, NULL, REF_NONE},
	{"hours", "时长|服务时长|时长（小时）", "时长", COL_REAL, RNG, 0, 24 * 31, NULL, REF_NONE},
	{"beneficiaries", "受益人数|服务人数", "受益人数", COL_INT, RNG, 0, 1e8, NULL, REF_NONE},
};

static const struct schema_col wishes[] = {
	{"id", "心愿编号|编号", "心愿编号", COL_CODE, REQ, 0, 0, NULL, REF_NONE},
	{"unit", "所属社区|所属单元", "所属社区", COL_CODE, REQ, 0, 0, NULL, REF_UNIT},
	{"content", "内容|心愿内容", "内容", COL_TEXT, 0, 0, 0, NULL, REF_NONE},
	{"published_at", "发布时间|发布日期", "发布时间", COL_DATE, REQ, 0, 0, NULL, REF_NONE},
	{"claimed_at", "认领时间|认领日期", "认领时间", COL_DATE, 0, 0, 0, NULL, REF_NONE},
	{"completed_at", "完成时间|完成日期", "完成时间", COL_DATE, 0, 0, 0, NULL, REF_NONE},
	{"claimed_by", "认领人|认领单位", "认领人", COL_TEXT, 0, 0, 0, NULL, REF_NONE},
	{"rating", "评价|评分|评价结果|满意度", "评价", COL_INT, RNG, 1, 5, NULL, REF_NONE},
};

static const struct schema_col visits[] = {
	{"id", "走访编号|编号", "走访编号", COL_CODE, REQ, 0, 0, NULL, REF_NONE},
	{"grid", "所属网格|网格", "所属网格", COL_CODE, REQ, 0, 0, NULL, REF_GRID},
	{"household", "户编号|住户编号", "户编号", COL_CODE, REQ, 0, 0, NULL, REF_NONE},
	{"round", "轮次", "轮次", COL_INT, REQ | RNG, 1, 1000, NULL, REF_NONE},
	{"date", "走访日期|日期", "走访日期", COL_DATE, REQ, 0, 0, NULL, REF_NONE},
	{"visitor", "走访人|走访人编号", "走访人", COL_CODE, 0, 0, 0, NULL, REF_NONE},
	{"street", "所属街道|街道|所在街道", "所属街道", COL_TEXT, 0, 0, 0, NULL, REF_NONE},
	{"community", "所属社区|社区|所在社区", "所属社区", COL_TEXT, 0, 0, 0, NULL, REF_NONE},
};

static const struct schema_col evaluations[] = {
	{"id", "评价编号|编号", "评价编号", COL_CODE, REQ, 0, 0, NULL, REF_NONE},
	{"target_kind", "对象类型", "对象类型", COL_ENUM, REQ, 0, 0,
	 "社区|网格|物业企业=物业公司|报到单位=双报到单位|服务", REF_NONE},
	{"target", "对象编码|对象|评价对象|对象名称|被评价对象", "对象编码", COL_CODE, REQ, 0, 0,
	 NULL, REF_TARGET},
	{"evaluator", "评价主体|评价人", "评价主体", COL_TEXT, 0, 0, 0, NULL, REF_NONE},
	{"method", "方式|评价方式", "方式", COL_TEXT, 0, 0, 0, NULL, REF_NONE},
	{"date", "日期|评价日期", "日期", COL_DATE, REQ, 0, 0, NULL, REF_NONE},
	{"score", "得分|分数", "得分", COL_REAL, REQ | RNG, 0, 100, NULL, REF_NONE},
};

static const struct schema_col property_checks[] = {
	{"company", "企业|企业编码|统一社会信用代码|企业名称|物业企业|物业公司", "企业", COL_CODE,
	 REQ, 0, 0, NULL, REF_COMPANY},
	{"community", "社区|社区编码", "社区", COL_CODE, REQ, 0, 0, NULL, REF_COMMUNITY},
	{"quarter", "季度|考评季度", "季度", COL_QUARTER, REQ, 0, 0, NULL, REF_NONE},
	{"criterion", "考评项目|项目", "考评项目", COL_TEXT, REQ, 0, 0, NULL, REF_NONE},
	{"score", "得分", "得分", COL_REAL, REQ | RNG, 0, 1e6, NULL, REF_NONE},
	{"max", "满分|分值", "满分", COL_REAL, REQ | RNG, 0, 1e6, NULL, REF_NONE},
};

static const struct schema_col complaints[] = {
	{"id", "投诉编号|编号|工单编号", "投诉编号", COL_CODE, REQ, 0, 0, NULL, REF_NONE},
	{"date", "日期|投诉日期", "日期", COL_DATE, REQ, 0, 0, NULL, REF_NONE},
	{"channel", "渠道|投诉渠道", "渠道", COL_TEXT, 0, 0, 0, NULL, REF_NONE},
	{"category", "类别|投诉类别", "类别", COL_TEXT, 0, 0, 0, NULL, REF_NONE},
	{"unit", "涉及社区|社区", "涉及社区", COL_CODE, 0, 0, 0, NULL, REF_UNIT},
	{"company", "涉及企业|企业|企业名称", "涉及企业", COL_CODE, 0, 0, 0, NULL, REF_COMPANY},
	{"resolved", "是否解决", "是否解决", COL_BOOL, 0, 0, 0, NULL, REF_NONE},
	{"satisfied", "是否满意", "是否满意", COL_BOOL, 0, 0, 0, NULL, REF_NONE},
};

static const struct schema_col projects[] = {
	{"id", "项目编号|编号", "项目编号", COL_CODE, REQ, 0, 0, NULL, REF_NONE},
	{"employer", "报到单位", "报到单位", COL_TEXT, REQ, 0, 0, NULL, REF_NONE},
	{"community", "社区|所属社区", "社区", COL_CODE, 0, 0, 0, NULL, REF_UNIT},
	{"list", "清单|清单类型", "清单", COL_ENUM, 0, 0, 0, "资源清单|需求清单|项目清单",
	 REF_NONE},
	{"title", "名称|项目名称", "名称", COL_TEXT, 0, 0, 0, NULL, REF_NONE},
	{"status", "状态", "状态", COL_ENUM, 0, 0, 0, "认领=已认领|完成=已完成", REF_NONE},
	{"completed_at", "完成时间|完成日期", "完成时间", COL_DATE, 0, 0, 0, NULL, REF_NONE},
};

static const struct schema_col incidents[] = {
	{"id", "事项编号|编号", "事项编号", COL_CODE, REQ, 0, 0, NULL, REF_NONE},
	{"date", "日期|发生日期", "日期", COL_DATE, REQ, 0, 0, NULL, REF_NONE},
	{"target_kind", "对象类型", "对象类型", COL_ENUM, REQ, 0, 0,
	 "社区|网格|物业企业=物业公司|报到单位|服务", REF_NONE},
	{"target", "对象编码|对象", "对象编码", COL_CODE, REQ, 0, 0, NULL, REF_TARGET},
	{"severity", "等级|严重程度", "等级", COL_ENUM, REQ, 0, 0, "一般|较大|重大", REF_NONE},
	{"description", "描述|事项描述", "描述", COL_TEXT, 0, 0, 0, NULL, REF_NONE},
};

/* The committee's 加减分 and the appeals against the draft: decided outside
 * the platforms. target is a code or a name, resolved by the rules engine
 * (kp.adjust) against the objects each assessment scores. */
static const struct schema_col adjustments[] = {
	{"target_kind", "对象类型", "对象类型", COL_ENUM, REQ, 0, 0,
	 "网格|社区|物业企业=物业公司|人员|报到单位=双报到单位", REF_NONE},
	{"target", "对象编码|对象|对象名称", "对象编码", COL_TEXT, REQ, 0, 0, NULL, REF_NONE},
	{"item", "项目|加减分项目|考核项目", "项目", COL_TEXT, REQ, 0, 0, NULL, REF_NONE},
	{"points", "分值|加减分值|分数", "分值", COL_REAL, REQ | RNG, -1000, 1000, NULL, REF_NONE},
	{"reason", "事由|理由|加减分事由", "事由", COL_TEXT, REQ, 0, 0, NULL, REF_NONE},
	{"basis", "依据|文号|文件依据", "依据", COL_TEXT, 0, 0, 0, NULL, REF_NONE},
	{"date", "日期|认定日期", "日期", COL_DATE, REQ, 0, 0, NULL, REF_NONE},
	{"approved_by", "审定人|审定", "审定人", COL_TEXT, 0, 0, 0, NULL, REF_NONE},
};

static const struct schema_col appeals[] = {
	{"id", "申诉编号|编号", "申诉编号", COL_CODE, REQ, 0, 0, NULL, REF_NONE},
	{"target_kind", "对象类型", "对象类型", COL_ENUM, REQ, 0, 0,
	 "网格|社区|物业企业=物业公司|人员|报到单位=双报到单位", REF_NONE},
	{"target", "对象编码|对象|对象名称", "对象编码", COL_TEXT, REQ, 0, 0, NULL, REF_NONE},
	{"item", "申诉项目|项目", "申诉项目", COL_TEXT, 0, 0, 0, NULL, REF_NONE},
	{"claim", "申诉理由|理由", "申诉理由", COL_TEXT, 0, 0, 0, NULL, REF_NONE},
	{"received_at", "受理日期|申诉日期", "受理日期", COL_DATE, 0, 0, 0, NULL, REF_NONE},
	{"decision", "复核结论|结论", "复核结论", COL_ENUM, 0, 0, 0, "维持|调整", REF_NONE},
	{"points", "调整分值|分值", "调整分值", COL_REAL, RNG, -1000, 1000, NULL, REF_NONE},
	{"decided_by", "复核人", "复核人", COL_TEXT, 0, 0, 0, NULL, REF_NONE},
	{"decided_at", "复核日期", "复核日期", COL_DATE, 0, 0, 0, NULL, REF_NONE},
	{"note", "说明|复核说明", "说明", COL_TEXT, 0, 0, 0, NULL, REF_NONE},
};

const struct schema_table schema_tables[] = {
	{"units", "组织单元", units, N(units), NULL},
	{"companies", "物业企业", companies, N(companies), NULL},
	{"people", "人员", people, N(people), NULL},
	{"branches", "党组织", branches, N(branches), NULL},
	{"events", "网格事件", events, N(events), NULL},
	{"services", "志愿服务", services, N(services), NULL},
	{"wishes", "微心愿", wishes, N(wishes), NULL},
	{"visits", "敲门走访", visits, N(visits), NULL},
	{"evaluations", "评价", evaluations, N(evaluations), NULL},
	{"property_checks", "物业考评", property_checks, N(property_checks), NULL},
	{"complaints", "投诉", complaints, N(complaints), NULL},
	{"projects", "共建项目", projects, N(projects), NULL},
	{"incidents", "重大事项", incidents, N(incidents), NULL},
	{"adjustments", "加减分", adjustments, N(adjustments), "本次不计加减分"},
	{"appeals", "申诉", appeals, N(appeals), "公示稿不需要；终稿（--final）需要它"},
};
const size_t schema_ntables = N(schema_tables);

const struct schema_table *schema_find(const char *name)
{
	size_t i;

	for (i = 0; i < schema_ntables; i++)
		if (strcmp(schema_tables[i].name, name) == 0)
			return &schema_tables[i];
	return NULL;
}

/* Normalises a header: trimmed, ASCII lower-cased, without '*' marks, and
 * (strip_notes) without bracketed notes such as （必填） or (单位:元). */
static size_t norm_header(const char *s, size_t n, char *out, size_t cap, int strip_notes)
{
	size_t i = 0, o = 0;
	int depth = 0;

	parse_trim(&s, &n);
	while (i < n && o + 1 < cap) {
		unsigned char c = (unsigned char)s[i];
		if (strip_notes && (c == '(' || (i + 2 < n && memcmp(s + i, "（", 3) == 0))) {
			depth++;
			i += c == '(' ? 1 : 3;
			continue;
		}
		if (strip_notes && depth &&
		    (c == ')' || (i + 2 < n && memcmp(s + i, "）", 3) == 0))) {
			depth--;
			i += c == ')' ? 1 : 3;
			continue;
		}
		if (depth || c == '*' || c == ' ') {
			i++;
			continue;
		}
		out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		i++;
	}
	out[o] = '\0';
	return o;
}

/* Whether name equals one of the '|'-separated words of list. */
static int in_list(const char *list, const char *name, size_t n)
{
	const char *p = list;

	while (p && *p) {
		const char *e = strchr(p, '|');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && memcmp(p, name, n) == 0)
			return 1;
		p = e ? e + 1 : NULL;
	}
	return 0;
}

int schema_match(const struct schema_table *t, const char *header, size_t n)
{
	char h[256];
	size_t len, i;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		len = norm_header(header, n, h, sizeof h, pass);
		if (len == 0)
			continue;
		for (i = 0; i < t->ncols; i++)
			if ((strlen(t->cols[i].name) == len &&
			     memcmp(t->cols[i].name, h, len) == 0) ||
			    in_list(t->cols[i].aliases, h, len))
				return (int)i;
	}
	return -1;
}

const char *schema_enum(const struct schema_col *c, const char *v, size_t n, size_t *outlen)
{
	const char *g = c->enumvals;

	parse_trim(&v, &n);
	while (g && *g) {
		const char *ge = strchr(g, '|');
		const char *end = ge ? ge : g + strlen(g);
		const char *first_end = NULL;
		const char *p = g;
		while (p < end) {
			const char *e = memchr(p, '=', (size_t)(end - p));
			size_t len = e ? (size_t)(e - p) : (size_t)(end - p);
			if (!first_end)
				first_end = p + len;
			if (len == n && memcmp(p, v, n) == 0) {
				*outlen = (size_t)(first_end - g);
				return g;
			}
			/* ASCII case-insensitive match for English synonyms. */
			if (len == n) {
				size_t k;
				for (k = 0; k < n; k++) {
					char a = p[k], b = v[k];
					if (a >= 'A' && a <= 'Z')
						a += 32;
					if (b >= 'A' && b <= 'Z')
						b += 32;
					if (a != b)
						break;
				}
				if (k == n) {
					*outlen = (size_t)(first_end - g);
					return g;
				}
			}
			p = e ? e + 1 : end;
		}
		g = ge ? ge + 1 : NULL;
	}
	return NULL;
}

int schema_void_status(const char *s, size_t n)
{
	static const char *const words[] = {"作废",   "已作废", "无效", "无效件", "重复件",  "重复",
					    "已撤销", "撤销",	"撤件", "已撤件", "不予受理"};
	size_t i;

	parse_trim(&s, &n);
	if (n >= 2 && (s[0] == '[' || s[0] == '(') && (s[n - 1] == ']' || s[n - 1] == ')')) {
		s++;
		n -= 2;
	} else if (n >= 6 && (memcmp(s, "【", 3) == 0 || memcmp(s, "（", 3) == 0 ||
			      memcmp(s, "［", 3) == 0)) {
		s += 3;
		n -= 6;
	}
	parse_trim(&s, &n);
	for (i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strlen(words[i]) == n && memcmp(words[i], s, n) == 0)
			return 1;
	return 0;
}

/* Domain constants, once: ingest counts the event facts for these limits and
 * reads these levels; rules see all three as kp.HOURS, kp.LEVELS, kp.CRITERIA. */
const int schema_hours[SCHEMA_NHOURS] = {24, 48, 72, 120, 168, 240, 360, 720};
const char *const schema_levels[SCHEMA_NLEVELS] = {"网格", "社区", "街道", "部门", "区级"};
const char *const schema_criteria[SCHEMA_NCRITERIA] = {
	"组织建设", "队伍建设", "服务质量", "党员亮牌", "诚信承诺", "安全管理", "环境卫生",
	"绿化养护", "设施维护", "秩序维护", "收费公示", "投诉处理", "业主满意",
};
