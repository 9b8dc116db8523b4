/* fsutil.h - small file-system helpers shared by the renderers. */
#ifndef KP_FSUTIL_H
#define KP_FSUTIL_H

#include "diag.h"

/* Creates dir and any missing parents (mode 0755); an existing folder is fine. */
int fs_mkdir_p(const char *dir, struct diag *d);

#endif
