/* fsutil.c - file-system helpers: creating a folder with its parents. */
#include "fsutil.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

int fs_mkdir_p(const char *dir, struct diag *d)
{
	char p[4096];
	size_t i, n = strlen(dir);

	if (n >= sizeof p)
		return diag_set(d, "路径过长：“%s”", dir);
	memcpy(p, dir, n + 1);
	for (i = 1; i <= n; i++) {
		if (p[i] != '/' && p[i] != '\0')
			continue;
		p[i] = '\0';
		if (mkdir(p, 0755) != 0 && errno != EEXIST)
			return diag_set(d, "无法创建目录“%s”：%s", p, strerror(errno));
		p[i] = dir[i];
	}
	return 0;
}
