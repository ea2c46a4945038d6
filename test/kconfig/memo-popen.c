// SPDX-License-Identifier: MIT
/*
 * Linked into the oracle's copy of the kernel's own conf (scripts/kconfig/*.c, unmodified): the
 * build compiles preprocess.c with -Dpopen=memo_popen -Dpclose=memo_pclose, so $(shell,...)
 * results are memoised in $KMATRIX_SHELL_MEMO (one file per command, the command stored beside
 * it). The first run of a command goes through the real popen; later runs read its output back.
 * Everything conf computes from those outputs is the kernel's code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#undef popen
#undef pclose

static unsigned long long fnv1a(const char *s)
{
	unsigned long long h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static int same_command(const char *path, const char *cmd)
{
	FILE *f = fopen(path, "r");
	size_t n = strlen(cmd), got;
	char *buf;
	int same;

	if (!f)
		return 0;
	buf = malloc(n + 2);
	got = fread(buf, 1, n + 1, f);
	fclose(f);
	same = got == n && memcmp(buf, cmd, n) == 0;
	free(buf);
	return same;
}

FILE *memo_popen(const char *cmd, const char *mode)
{
	const char *dir = getenv("KMATRIX_SHELL_MEMO");
	char out[4096], cmdfile[4096], tmp[4200];
	char buf[8192];
	size_t n;
	FILE *p, *f;

	if (!dir)
		return popen(cmd, mode);
	snprintf(out, sizeof(out), "%s/%016llx.out", dir, fnv1a(cmd));
	snprintf(cmdfile, sizeof(cmdfile), "%s/%016llx.cmd", dir, fnv1a(cmd));
	if (same_command(cmdfile, cmd)) {
		f = fopen(out, "r");
		if (f)
			return f;
	}
	p = popen(cmd, mode);
	if (!p)
		return NULL;
	snprintf(tmp, sizeof(tmp), "%s.%d.tmp", out, (int)getpid());
	f = fopen(tmp, "w");
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		if (f)
			fwrite(buf, 1, n, f);
	pclose(p);
	if (f) {
		fclose(f);
		rename(tmp, out);
		snprintf(tmp, sizeof(tmp), "%s.%d.tmp", cmdfile, (int)getpid());
		f = fopen(tmp, "w");
		if (f) {
			fputs(cmd, f);
			fclose(f);
			rename(tmp, cmdfile);
		}
	}
	return fopen(out, "r");
}

int memo_pclose(FILE *f)
{
	return fclose(f) == 0 ? 0 : -1;
}
