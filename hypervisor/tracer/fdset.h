/* The fast path's view of a process's fd table: a bitmap of fd numbers
 * that may be virtual. Shared by threads and by CLONE_FILES processes,
 * copied on fork, unshared on execve. A false "virtual" only costs a
 * round trip to the core; the core keeps the truth. */
#ifndef VU_FDSET_H
#define VU_FDSET_H
#include <stdint.h>

struct fdset {
	int refs;
	int count;       /* fds set */
	uint32_t nwords;
	uint64_t *bits;
};

struct fdset *fdset_new(void);
struct fdset *fdset_copy(const struct fdset *s);
struct fdset *fdset_ref(struct fdset *s);
void fdset_unref(struct fdset *s);
void fdset_set(struct fdset *s, int fd, int on);
static inline int fdset_has(const struct fdset *s, long fd)
{
	if (!s || s->count == 0 || fd < 0 || (unsigned long)fd >= (unsigned long)s->nwords * 64) return 0;
	return (s->bits[fd / 64] >> (fd % 64)) & 1;
}
/* Any fd in [first, last] set? */
int fdset_any(const struct fdset *s, unsigned long first, unsigned long last);

#endif
