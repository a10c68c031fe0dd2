#include "fdset.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p) { perror("vu-tracer: fdset"); exit(125); }
	return p;
}

struct fdset *fdset_new(void)
{
	struct fdset *s = xcalloc(1, sizeof *s);
	s->refs = 1;
	return s;
}

struct fdset *fdset_copy(const struct fdset *src)
{
	struct fdset *s = fdset_new();
	if (src && src->nwords) {
		s->nwords = src->nwords;
		s->bits = xcalloc(s->nwords, sizeof *s->bits);
		memcpy(s->bits, src->bits, s->nwords * sizeof *s->bits);
		s->count = src->count;
	}
	return s;
}

struct fdset *fdset_ref(struct fdset *s) { s->refs++; return s; }

void fdset_unref(struct fdset *s)
{
	if (s && --s->refs == 0) { free(s->bits); free(s); }
}

void fdset_set(struct fdset *s, int fd, int on)
{
	if (fd < 0) return;
	if ((unsigned)fd >= s->nwords * 64u) {
		if (!on) return;
		uint32_t n = s->nwords ? s->nwords : 1;
		while ((unsigned)fd >= n * 64u) n *= 2;
		s->bits = realloc(s->bits, n * sizeof *s->bits);
		if (!s->bits) { perror("vu-tracer: fdset"); exit(125); }
		memset(s->bits + s->nwords, 0, (n - s->nwords) * sizeof *s->bits);
		s->nwords = n;
	}
	uint64_t bit = 1ull << (fd % 64);
	int was = (s->bits[fd / 64] & bit) != 0;
	if (on && !was) { s->bits[fd / 64] |= bit; s->count++; }
	if (!on && was) { s->bits[fd / 64] &= ~bit; s->count--; }
}

int fdset_any(const struct fdset *s, unsigned long first, unsigned long last)
{
	if (!s || s->count == 0) return 0;
	unsigned long max = (unsigned long)s->nwords * 64 - 1;
	if (last > max) last = max;
	for (unsigned long fd = first; fd <= last; fd++)
		if (fdset_has(s, (long)fd)) return 1;
	return 0;
}
